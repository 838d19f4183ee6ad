import Foundation
import XCTest

/// `cdrs list --since/--until/--last/--extension`, yours and tenant-wide (`--tenant`),
/// against the sandbox's 500 seeded calls (one every 90 s from 2026-09-21T14:13:20Z).
final class RecentCallsEndToEndTests: InProcessSandboxTestCase {
    func records(_ arguments: [String], env: [String: String]? = nil, file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        let result = InProcess.run(arguments + ["-o", "jsonl"], env: env ?? self.env)
        XCTAssertEqual(result.code, 0, result.stderr, file: file, line: line)
        return result.stdout.split(separator: "\n").compactMap { InProcess.json(String($0), file: file, line: line) as? [String: Any] }
    }

    func ids(_ records: [[String: Any]]) -> [String] { records.compactMap { $0["id"] as? String } }

    func testTimeWindowKeepsOnlyCallsStartedInIt() {
        let window = records(["cdrs", "list", "--since", "2026-09-21T14:20:00Z", "--until", "2026-09-21T14:30:00Z"])
        XCTAssertEqual(ids(window), (6...12).map { "cdr-admin-\($0)" }, "since inclusive, until exclusive for a time")
        let offset = records(["cdrs", "list", "--since", "2026-09-21T16:20:00+02:00", "--until", "2026-09-21T16:30:00+02:00"])
        XCTAssertEqual(ids(offset), ids(window), "an RFC 3339 offset is honoured")
        // Dates are whole UTC days; --until includes its day.
        let secondDay = records(["cdrs", "list", "--since", "2026-09-22"])
        let firstDay = records(["cdrs", "list", "--until", "2026-09-21"])
        XCTAssertEqual(secondDay.count, 108)
        XCTAssertEqual(firstDay.count, 392)
        XCTAssertEqual(ids(secondDay).first, "cdr-admin-393")
        XCTAssertTrue(secondDay.allSatisfy { ($0["started_at"] as? String ?? "") >= "2026-09-22T00:00:00Z" })
        XCTAssertEqual(records(["cdrs", "list", "--since", "2026-09-21", "--until", "2026-09-21"]).count, 392, "one day, both ends")
    }

    func testLastIsTheNewestFirstAndExtensionMatchesEitherEnd() {
        XCTAssertEqual(ids(records(["cdrs", "list", "--last", "3"])), ["cdr-admin-500", "cdr-admin-499", "cdr-admin-498"])
        XCTAssertEqual(ids(records(["cdrs", "list", "--last", "2", "--until", "2026-09-21T14:20:00Z"])), ["cdr-admin-5", "cdr-admin-4"])
        let calls = records(["cdrs", "list", "--extension", "1003"])
        XCTAssertEqual(ids(calls), ["cdr-admin-3", "cdr-admin-253"])
        XCTAssertTrue(calls.allSatisfy { $0["callee"] as? String == "1003" })
        XCTAssertEqual(ids(records(["cdrs", "list", "--extension", "1003", "--last", "1"])), ["cdr-admin-253"])
        XCTAssertEqual(records(["cdrs", "list", "--extension", "100", "--limit", "7"]).count, 7, "the caller or the callee")
        let table = InProcess.run(["cdrs", "list", "--last", "2"], env: env)
        XCTAssertEqual(table.stdout.split(separator: "\n").count, 3, "a header and two rows: \(table.stdout)")
    }

    func testTenantWideListIsForAdministratorsWithTheSameFilters() throws {
        let all = records(["cdrs", "list", "--tenant"])
        XCTAssertEqual(all.count, 500)
        XCTAssertGreaterThan(Set(all.compactMap { $0["caller"] as? String }).count, 40, "every extension's calls, not one user's")
        let one = records(["cdrs", "list", "--tenant", "--extension", "1007", "--since", "2026-09-21T18:00:00Z", "--last", "2"])
        XCTAssertEqual(one.count, 2)
        XCTAssertTrue(one.allSatisfy { $0["caller"] as? String == "1007" || $0["callee"] as? String == "1007" })
        XCTAssertGreaterThan(one[0]["started_at"] as? String ?? "", one[1]["started_at"] as? String ?? "", "newest first")
        XCTAssertGreaterThanOrEqual(try sandbox.stats().operations["listCDRs"] ?? 0, 2)

        let login = InProcess.run(["api", "-X", "POST", "/login", "-f", "username=alice.smith", "-f", "password=Sandbox#1001"], env: env)
        let token = try XCTUnwrap((InProcess.json(login.stdout) as? [String: Any])?["access_token"] as? String, login.stderr)
        let user = InProcess.run(["cdrs", "list", "--tenant"], env: sandbox.env(["PBXCTL_TOKEN": token]))
        XCTAssertEqual(user.code, 3, "an extension user may not read the tenant's calls: \(user.stderr)")
        XCTAssertEqual(records(["cdrs", "list"], env: sandbox.env(["PBXCTL_TOKEN": token])).count, 20, "but may read their own")
    }

    func testBadFiltersAreRefusedBeforeAnythingIsSent() throws {
        let before = try sandbox.stats().operations
        for arguments in [["--since", "yesterday"], ["--until", "2026-02-30"], ["--since", "2026-11-02", "--until", "2026-11-01T00:00:00Z"],
                          ["--last", "0"], ["--last", "2", "--limit", "2"], ["--extension", "10 01"], ["--tenant", "--since", "2026-1-1"]] {
            let result = InProcess.run(["cdrs", "list"] + arguments, env: env)
            XCTAssertEqual(result.code, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
        XCTAssertEqual(try sandbox.stats().operations, before, "nothing was sent")
    }
}
