import Foundation
import XCTest

/// `users import` the way an admin re-runs it: with the failures file, with
/// --skip-existing on an export, with generated secrets, after fixing what it reported.
final class ImportRerunEndToEndTests: XCTestCase {
    func write(_ text: String, _ name: String) -> String {
        let path = InProcess.temporaryDirectory() + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    let closed = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"])

    static let header = "name,display_name,email,role,extension_number"

    func row(_ index: Int, extensionNumber: String? = nil) -> String {
        "re.user\(index),Rerun \(index),re\(index)@example.com,StandardUser,\(extensionNumber ?? String(8500 + index))"
    }

    func testTheFailuresFileIsAcceptedAsInput() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "20"])
        defer { sandbox.stop() }
        let file = write(([Self.header + ",password,extension_password,voicemail_pin"] + [row(1), row(2, extensionNumber: "1005")].map { $0 + ",Pass#1x,Sip#1x,385920" }).joined(separator: "\n") + "\n", "users.csv")
        XCTAssertEqual(InProcess.run(["users", "import", file], env: sandbox.env()).code, 6)
        let failed = file + ".failed.csv"
        XCTAssertTrue(try String(contentsOfFile: failed, encoding: .utf8).hasPrefix("name,display_name,email,role,extension_number,password,extension_password,voicemail_pin,error\n"))
        // The admin frees extension 1005 and runs the file the summary named.
        XCTAssertEqual(InProcess.run(["users", "delete", "1005", "--yes"], env: sandbox.env()).code, 0)
        let rerun = InProcess.run(["users", "import", failed], env: sandbox.env())
        XCTAssertEqual(rerun.code, 0, rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("created 1, skipped 0, failed 0"), rerun.stderr)
        XCTAssertEqual(InProcess.run(["users", "get", "1005", "-o", "json", "--fields", "name"], env: sandbox.env()).stdout, "{\n  \"name\": \"re.user2\"\n}\n")
    }

    func testSkipExistingSkipsAnExportBeforeJudgingIt() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "20"])
        defer { sandbox.stop() }
        let export = InProcess.run(["users", "export", "-o", "csv"], env: sandbox.env())
        let file = write(export.stdout, "export.csv")
        let again = InProcess.run(["users", "import", file, "--skip-existing"], env: sandbox.env())
        XCTAssertEqual(again.code, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("created 0, skipped 20, failed 0"), again.stderr)
        XCTAssertNil(try sandbox.stats().operations["createUser"])
    }

    func testGeneratedSecretsAreRecordedOnlyForUsersCreated() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "20"])
        defer { sandbox.stop() }
        let env = sandbox.env()
        let secrets = { (file: String) in file + ".secrets.csv" }

        let invalid = write([Self.header, row(1), "re.user9,Bad,re9@example.com,StandardUser,12"].joined(separator: "\n") + "\n", "invalid.csv")
        XCTAssertEqual(InProcess.run(["users", "import", invalid, "--generate-secrets"], env: env).code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: secrets(invalid)), "invalid input: no secrets written")

        // Row 3 takes extension 1005, which the sandbox already has: the server refuses it.
        let file = write([Self.header, row(1), row(2), row(3, extensionNumber: "1005")].joined(separator: "\n") + "\n", "users.csv")
        let dry = InProcess.run(["users", "import", file, "--generate-secrets", "--dry-run"], env: env)
        XCTAssertEqual(dry.code, 0, dry.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: secrets(file)), "a dry run writes no secrets")

        let first = InProcess.run(["users", "import", file, "--generate-secrets"], env: env)
        XCTAssertEqual(first.code, 6, first.stderr)
        XCTAssertTrue(first.stderr.contains("generated secrets for 2 users"), first.stderr)
        let recorded = try String(contentsOfFile: secrets(file), encoding: .utf8)
        let lines = recorded.split(separator: "\n")
        XCTAssertEqual(lines.first, "name,extension_number,password,extension_password,voicemail_pin")
        XCTAssertEqual(lines.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }.sorted(), ["re.user1,8501", "re.user2,8502"])
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: secrets(file))[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let failed = try String(contentsOfFile: file + ".failed.csv", encoding: .utf8)
        XCTAssertFalse(failed.contains("password"), "a secret never recorded is not handed on: \(failed)")

        // Skipped rows are not recorded again, and recorded rows are never rewritten.
        XCTAssertEqual(InProcess.run(["users", "delete", "1005", "--yes"], env: env).code, 0)
        let second = InProcess.run(["users", "import", file, "--generate-secrets", "--skip-existing"], env: env)
        XCTAssertEqual(second.code, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("created 1, skipped 2, failed 0"), second.stderr)
        let after = try String(contentsOfFile: secrets(file), encoding: .utf8)
        XCTAssertTrue(after.hasPrefix(recorded), "recorded rows stay as they were")
        XCTAssertEqual(after.dropFirst(recorded.count).split(separator: ",").prefix(2).joined(separator: ","), "re.user3,1005")
        let third = InProcess.run(["users", "import", file, "--generate-secrets", "--skip-existing"], env: env)
        XCTAssertEqual(third.code, 0, third.stderr)
        XCTAssertEqual(try String(contentsOfFile: secrets(file), encoding: .utf8), after)
    }

    func testProblemsAreCollapsedWithCountsAndLineRanges() {
        let one = write([Self.header + ",password,extension_password,voicemail_pin", row(1) + ",Pass#1x,Sip#1x,123456"].joined(separator: "\n") + "\n", "one.csv")
        let single = InProcess.run(["users", "import", one], env: closed)
        XCTAssertEqual(single.code, 2)
        XCTAssertTrue(single.stderr.contains("1 of 1 row is invalid; nothing was sent"), single.stderr)
        XCTAssertTrue(single.stderr.contains("voicemail_pin: must not contain a sequence (123) (1 row: line 2)"), single.stderr)

        let many = write(([Self.header] + (1...6).map { row($0) } + ["re.user7,Seven,re7@example.com,StandardUser,12"]).joined(separator: "\n") + "\n", "many.csv")
        let result = InProcess.run(["users", "import", many], env: closed)
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.stderr.contains("7 of 7 rows are invalid; nothing was sent"), result.stderr)
        XCTAssertTrue(result.stderr.contains("\n  password: is required (7 rows: lines 2-8)\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains("\n  extension_number: must be 3 to 64 digits (1 row: line 8)\n"), result.stderr)
        XCTAssertEqual(result.stderr.components(separatedBy: "\n  password: is required").count, 2, "one line per distinct problem")
    }

    func testEmptyRequiredFieldsAndMalformedEmailsAreRefusedBeforeSending() {
        let create = ["users", "create", "--name", "e.mpty", "--display-name", "E", "--role", "StandardUser", "--extension", "8601",
                      "-f", "password=Pass#1x", "-f", "extension_password=Sip#1x", "-f", "voicemail_pin=385920"]
        let empty = InProcess.run(create + ["--email", ""], env: closed)
        XCTAssertEqual(empty.code, 2, "exit 5 would mean it was sent: \(empty.stderr)")
        XCTAssertTrue(empty.stderr.contains("--email must not be empty (email)"), empty.stderr)
        let blankName = InProcess.run(create + ["--email", "e@example.com", "--display-name", ""], env: closed)
        XCTAssertEqual(blankName.code, 2)
        XCTAssertTrue(blankName.stderr.contains("--display-name must not be empty (display_name)"), blankName.stderr)
        for email in ["not-an-email", "@", "x@y@z", "a b@example.com"] {
            let result = InProcess.run(create + ["--email", email], env: closed)
            XCTAssertEqual(result.code, 2, email)
            XCTAssertTrue(result.stderr.contains("--email must be one email address"), result.stderr)
        }
        XCTAssertEqual(InProcess.run(["users", "update", "1001", "--email", "x@y@z"], env: closed).code, 2)

        let jsonl = [#"{"name":"j.one","display_name":"","email":"j1@example.com","role":"StandardUser","extension_number":"8701","password":"Pass#1x","extension_password":"Sip#1x","voicemail_pin":"385920"}"#,
                     #"{"name":"j.two","display_name":"Two","email":"x@y@z","role":"StandardUser","extension_number":"8702","password":"Pass#1x","extension_password":"Sip#1x","voicemail_pin":"385920"}"#]
        let imported = InProcess.run(["users", "import", "-", "--format", "jsonl"], env: closed, stdin: jsonl.joined(separator: "\n"))
        XCTAssertEqual(imported.code, 2, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("display_name: must not be empty (1 row: line 1)"), imported.stderr)
        XCTAssertTrue(imported.stderr.contains("email: must be one email address"), imported.stderr)
    }
}
