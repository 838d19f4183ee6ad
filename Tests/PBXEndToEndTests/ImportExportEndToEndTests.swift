import Foundation
import XCTest

/// `users import` stopped by Ctrl-C, which needs a real process to signal; the rest of
/// import and export runs in-process (PBXUnitTests/InProcess/ImportExportEndToEndTests.swift).
final class ImportExportEndToEndTests: XCTestCase {
    func write(_ text: String, _ name: String) -> String {
        let path = PBX.temporaryDirectory() + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let header = "name,display_name,email,role,extension_number,password,extension_password,voicemail_pin,office_hours.mode"

    func row(_ index: Int, name: String? = nil, pin: String = "385920") -> String {
        "\(name ?? "imp.user\(index)"),Imported \(index),imp\(index)@example.com,StandardUser,\(8000 + index),Pass#\(index),Sip#\(index),\(pin),"
    }
}

extension ImportExportEndToEndTests {
    /// Ctrl-C mid-import: exit 130, the rows not sent are listed, and a re-run with
    /// --skip-existing creates exactly the rest.
    func testInterruptedImportResumesWithoutDuplicates() throws {
        let sandbox = try SandboxProcess(arguments: ["--users", "0", "--latency", "40"])
        defer { sandbox.stop() }
        let file = write(([Self.header] + (1...200).map { row($0) }).joined(separator: "\n") + "\n", "big.csv")
        // Ctrl-C once ten creates have been answered: part way, whatever the machine's speed.
        XCTAssertEqual(try PBX.signalled(["users", "import", file, "--concurrency", "2"], env: sandbox.env(), once: "< 201 ", count: 10).code, 130)
        let failed = try String(contentsOfFile: file + ".failed.csv", encoding: .utf8)
        XCTAssertTrue(failed.contains("not attempted: interrupted"), failed.prefix(300).description)
        let createdBefore = try sandbox.stats().operations["createUser"] ?? 0
        XCTAssertGreaterThan(createdBefore, 0)
        XCTAssertLessThan(createdBefore, 200)

        let resume = PBX.run(["users", "import", file, "--skip-existing"], env: sandbox.env())
        XCTAssertEqual(resume.code, 0, resume.stderr)
        let names = PBX.run(["users", "list", "--all", "-q"], env: sandbox.env()).stdout.split(separator: "\n")
        XCTAssertEqual(names.count, 200, "every user exactly once")
        XCTAssertEqual(try sandbox.stats().operations["createUser"], 200, "no create was sent twice")
    }
}


extension ImportExportEndToEndTests {
    /// Ctrl-C while creates are in flight: a user the server may have created keeps the
    /// secrets made up for it, so none ends up with a password nobody knows.
    func testInterruptedImportRecordsTheSecretsOfEveryUserItMayHaveCreated() throws {
        let sandbox = try SandboxProcess(arguments: ["--users", "0", "--latency", "300"])
        defer { sandbox.stop() }
        let header = "name,display_name,email,role,extension_number"
        let rows = (1...60).map { "gen.user\($0),Generated \($0),gen\($0)@example.com,StandardUser,\(8300 + $0)" }
        let file = write(([header] + rows).joined(separator: "\n") + "\n", "secrets.csv")
        // Signalled as the next creates leave, so some are on the server and unanswered.
        let (code, _, trace) = try PBX.signalled(["users", "import", file, "--concurrency", "4", "--generate-secrets"], env: sandbox.env(), once: "> POST ", count: 9)
        XCTAssertEqual(code, 130)
        // The server finishes what reached it: wait until every create that left is served,
        // or (one cut off before it arrived) until the count has held still for a while.
        let sent = trace.components(separatedBy: "> POST ").count - 1
        let deadline = Date().addingTimeInterval(20)
        var served = -1, still = 0
        while served < sent, still < 25, Date() < deadline {
            let now = try sandbox.stats().operations["createUser"] ?? 0
            still = now == served ? still + 1 : 0
            served = now
            usleep(20_000)
        }
        let onServer = Set(PBX.run(["users", "list", "--all", "-o", "csv", "--fields", "name", "--no-headers"], env: sandbox.env()).stdout.split(separator: "\n").map(String.init))
        XCTAssertFalse(onServer.isEmpty)
        let recorded = try String(contentsOfFile: file + ".secrets.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String($0.split(separator: ",")[0]) }
        XCTAssertTrue(onServer.isSubset(of: Set(recorded)), "created but without recorded secrets: \(onServer.subtracting(recorded).sorted())")
    }
}
