import Foundation
import XCTest

/// Paging and import against a server that refuses (429) what it gets past a few
/// requests at once: pbxctl finds that level from the answers and stays near it.
/// Counts only, from the sandbox's own counters; nothing here is timed.
final class AdaptiveConcurrencyEndToEndTests: XCTestCase {
    func testImportAgainstAConcurrencyLimitLosesNoRowAndCausesNoRetryStorm() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "10", "--latency", "20", "--max-in-flight", "4"])
        defer { sandbox.stop() }
        let rows = 240
        var lines = ["name,display_name,email,role,extension_number,password,extension_password,voicemail_pin"]
        lines += (1...rows).map { "ad.user\($0),Adaptive \($0),ad\($0)@example.com,StandardUser,\(20000 + $0),Pass#\($0),Sip#\($0),385920" }
        let file = InProcess.temporaryDirectory() + "/users.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let result = InProcess.run(["users", "import", file], env: sandbox.env())
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("created \(rows), skipped 0, failed 0"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + ".failed.csv"))
        let (operations, faults) = try sandbox.stats()
        XCTAssertEqual(operations["createUser"], rows, "every row created exactly once (a 429 never reaches the API)")
        let refused = faults["429"] ?? 0
        XCTAssertGreaterThan(refused, 0, "the import grew past the server's limit, so it probed for more: \(faults)")
        XCTAssertLessThanOrEqual(refused, rows / 5, "backing off keeps refusals a small share of the requests, not a storm: \(faults)")
    }

    func testListAllAgainstAConcurrencyLimitFetchesEachPageOnce() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "3000", "--latency", "20", "--max-in-flight", "3"])
        defer { sandbox.stop() }
        let result = InProcess.run(["users", "list", "--all", "-q"], env: sandbox.env())
        XCTAssertEqual(result.code, 0, result.stderr)
        let ids = result.stdout.split(separator: "\n")
        XCTAssertEqual(ids.count, 3000)
        XCTAssertEqual(Set(ids).count, 3000, "no page twice, none missing")
        let (operations, faults) = try sandbox.stats()
        XCTAssertEqual(operations["listUsers"], 30, "each page served once")
        XCTAssertLessThanOrEqual(faults["429"] ?? 0, 10, "refusals stay few: \(faults)")
    }
}
