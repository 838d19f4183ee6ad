import Foundation
import XCTest

/// `users apply` stopped by Ctrl-C, which needs a real process to signal; the rest of
/// diff and apply runs in-process (PBXUnitTests/InProcess/UsersReconcileEndToEndTests.swift).
final class UsersReconcileEndToEndTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = PBX.temporaryDirectory()
    }

    func write(_ name: String, _ text: String) -> String {
        let path = dir + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        return path
    }

    func testAnInterruptedApplyConvergesWhenRunAgain() throws {
        let slow = try SandboxProcess(arguments: ["--users", "3", "--latency", "200"])
        defer { slow.stop() }
        var text = "name,display_name,email,role,extension_number\n"
        for number in 2001...2012 { text += "user\(number),User \(number),user\(number)@sandbox.example.com,StandardUser,\(number)\n" }
        let roster = write("many.csv", text)
        let apply = try WatchedProcess(["users", "apply", "-f", roster, "--yes", "--generate-secrets", "--concurrency", "1"], env: slow.env())
        defer { apply.stop() }
        // Ctrl-C once the first user exists, whatever the machine's speed.
        let deadline = Date().addingTimeInterval(30)
        while try (slow.stats().operations["createUser"] ?? 0) < 1, Date() < deadline { usleep(20_000) }
        XCTAssertEqual(apply.interrupt().code, 130)
        let created = try slow.stats().operations["createUser"] ?? 0
        XCTAssertGreaterThan(created, 0)
        XCTAssertLessThan(created, 12, "interrupted part way")
        let rerun = PBX.run(["users", "apply", "-f", roster, "--yes", "--generate-secrets"], env: slow.env())
        XCTAssertEqual(rerun.code, 0, rerun.stderr)
        XCTAssertEqual(try slow.stats().operations["createUser"], 12, "each user created once")
        XCTAssertEqual(PBX.run(["users", "diff", "-f", roster], env: slow.env()).code, 0)
        XCTAssertEqual(PBX.run(["users", "list", "--all", "-q"], env: slow.env()).stdout.split(separator: "\n").count, 15)
    }
}
