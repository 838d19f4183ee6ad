import Foundation
import XCTest

/// `callback-numbers add/remove` read a user's whole list and PUT it back: against
/// a server whose pages lack `meta`, and one where another admin changes the list
/// between page reads, no number the user did not name may be lost.
final class CallbackNumbersEndToEndTests: XCTestCase {
    func vonageEnv(_ sandbox: InProcessSandbox) -> [String: String] {
        let base = sandbox.baseURL + "/vonage"
        return InProcess.environment(home: sandbox.home, extra: [
            "PBXCTL_VONAGE_URL": base + "/useradmin", "PBXCTL_VONAGE_TOKEN_URL": base + "/Auth/connect/token",
            "PBXCTL_VONAGE_CLIENT_ID": "sandbox-client", "PBXCTL_VONAGE_CLIENT_SECRET": "sandbox-secret",
        ])
    }

    /// The user's list read in one page, so a server that changes lists between page reads cannot.
    func numbers(_ user: String, _ env: [String: String], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let result = InProcess.run(["callback-numbers", "list", "--user", user, "--all", "-q", "--page-size", "500"], env: env)
        XCTAssertEqual(result.code, 0, result.stderr, file: file, line: line)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func ids(_ range: ClosedRange<Int>) -> [String] { range.map { String(format: "cbn-%03d", $0) } }

    func testPagesWithoutMetaAreReadToTheEnd() throws {
        let sandbox = try InProcessSandbox(arguments: ["--vonage-no-meta"])
        defer { sandbox.stop() }
        let env = vonageEnv(sandbox)
        XCTAssertEqual(InProcess.run(["callback-numbers", "list", "--user", "agent-30", "--all", "-q"], env: env).stdout.split(separator: "\n").count, 30,
                       "a full page means more may follow, meta or not")
        let add = InProcess.run(["callback-numbers", "add", "agent-30", "cbn-050"], env: env)
        XCTAssertEqual(add.code, 0, add.stderr)
        XCTAssertEqual(numbers("agent-30", env), ids(1...30) + ["cbn-050"], "all 30 kept, one added")
        // 31 numbers in pages of 31, then an empty page: the end without meta.
        let remove = InProcess.run(["callback-numbers", "remove", "agent-30", "cbn-001", "--page-size", "31", "--yes"], env: env)
        XCTAssertEqual(remove.code, 0, remove.stderr)
        XCTAssertEqual(numbers("agent-30", env), ids(2...30) + ["cbn-050"])
    }

    func testNumberRemovedByAnotherAdminBetweenPageReadsCostsNoOtherNumber() throws {
        // Between page 1 and 2 another admin takes cbn-001 away and assigns cbn-031:
        // page 2 then starts at cbn-027, and cbn-026 was on neither page.
        let sandbox = try InProcessSandbox(arguments: ["--vonage-churn-remove", "1"])
        defer { sandbox.stop() }
        let env = vonageEnv(sandbox)
        let add = InProcess.run(["callback-numbers", "add", "agent-30", "cbn-050"], env: env)
        XCTAssertEqual(add.code, 0, add.stderr)
        XCTAssertEqual(numbers("agent-30", env), ids(2...31) + ["cbn-050"], "cbn-026 kept, the other admin's change kept")
    }

    func testNumberAddedByAnotherAdminBetweenPageReadsIsKept() throws {
        // Between page 1 and 2 another admin assigns cbn-031 at the front: page 2
        // repeats cbn-025, and cbn-031 was on neither page.
        let sandbox = try InProcessSandbox(arguments: ["--vonage-churn-insert", "1"])
        defer { sandbox.stop() }
        let env = vonageEnv(sandbox)
        let remove = InProcess.run(["callback-numbers", "remove", "agent-30", "cbn-002", "-v", "--yes"], env: env)
        XCTAssertEqual(remove.code, 0, remove.stderr)
        let put = try XCTUnwrap(remove.stderr.components(separatedBy: "\n").first { $0.hasPrefix("> {\"callbackNumbers\"") }, "the PUT body is traced")
        XCTAssertEqual(put.components(separatedBy: "cbn-025").count, 2, "no duplicate in the PUT: \(put)")
        XCTAssertEqual(numbers("agent-30", env), ["cbn-031", "cbn-001"] + ids(3...30))
    }

    func testListThatNeverSettlesIsNotWritten() throws {
        let sandbox = try InProcessSandbox(arguments: ["--vonage-churn-remove", "1000"])
        defer { sandbox.stop() }
        let env = vonageEnv(sandbox)
        let add = InProcess.run(["callback-numbers", "add", "agent-30", "cbn-050", "-v"], env: env)
        XCTAssertEqual(add.code, 1, add.stderr)
        XCTAssertTrue(add.stderr.contains("kept changing while it was read; nothing was written"), add.stderr)
        XCTAssertFalse(add.stderr.contains("> PUT"), "nothing written")
        XCTAssertFalse(numbers("agent-30", env).contains("cbn-050"))
    }
}

/// The arguments are named as docs/cli.md names them, in help and in errors.
final class CallbackNumbersHelpTests: XCTestCase {
    func testTheUserArgumentIsCalledUserID() {
        let help = InProcess.run(["help", "callback-numbers", "add"], env: InProcess.environment(home: InProcess.temporaryDirectory()))
        XCTAssertTrue(help.stdout.contains("pbxctl callback-numbers add USER_ID NUMBER_ID... [flags]"), help.stdout)
        let missing = InProcess.run(["callback-numbers", "set"], env: InProcess.environment(home: InProcess.temporaryDirectory()))
        XCTAssertEqual(missing.code, 2)
        XCTAssertTrue(missing.stderr.contains("missing arguments USER_ID NUMBER_ID"), missing.stderr)
    }
}
