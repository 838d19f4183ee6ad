import Foundation
import XCTest

/// The command line as an admin writing scripts types it: bundled flags, typos, and
/// the errors that tell what to type instead.
final class CommandLineEndToEndTests: SandboxTestCase {
    func testBundledShortFlagsTakeTheNextWordAsTheLastOnesValue() throws {
        let bundled = PBX.run(["users", "list", "--limit", "2", "-qo", "json"], env: env)
        XCTAssertEqual(bundled.code, 0, bundled.stderr)
        XCTAssertEqual(bundled.stdout.split(separator: "\n").count, 2, "quiet: one ID per line")
        let attached = PBX.run(["users", "list", "--limit", "2", "-qojson"], env: env)
        XCTAssertEqual(attached.stdout, bundled.stdout)
        let json = PBX.run(["users", "get", "1001", "-vo", "json"], env: env)
        XCTAssertEqual(json.code, 0, json.stderr)
        XCTAssertEqual((PBX.json(json.stdout) as? [String: Any])?["extension_number"] as? String, "1001")
    }

    func testAnUnknownFlagIsNamedAsAFlagWithTheNearestOne() {
        for words in [["users", "list", "--outptu", "json"], ["--outptu", "json", "users", "list"], ["users", "--outptu", "json", "list"]] {
            let result = PBX.run(words, env: env)
            XCTAssertEqual(result.code, 2, words.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains("unknown flag --outptu; did you mean --output?"), result.stderr)
            XCTAssertFalse(result.stderr.contains("unknown command"), result.stderr)
        }
    }

    func testASecretInArgvDrawsAWarningNamingTheSafeWays() throws {
        let file = PBX.temporaryDirectory() + "/pin"
        try "385920\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = PBX.run(["users", "create", "--name", "argv.secret", "--display-name", "A", "--email", "as@example.com", "--role", "StandardUser",
                              "--extension", "7401", "-f", "password=Visible#7401", "-F", "extension_password=Sip#7401x", "-F", "voicemail_pin=@" + file], env: env)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("warning: password given on the command line is visible to other users (ps) and kept in shell history; instead use --password-stdin, -F password=@FILE, --data FILE, the no-echo prompt on a terminal"), result.stderr)
        XCTAssertTrue(result.stderr.contains("warning: extension_password given on the command line"), result.stderr)
        XCTAssertFalse(result.stderr.contains("voicemail_pin given"), "-F key=@FILE is the safe way")
        XCTAssertFalse(result.stderr.contains("Visible#7401"))
    }

    /// On a terminal, what was typed is judged before any secret is asked for, and a
    /// new secret is asked twice.
    func testTerminalJudgesInputBeforeAskingForSecretsTwice() throws {
        let create = ["users", "create", "--display-name", "Term User", "--email", "tu@example.com", "--role", "StandardUser"]
        let invalid = PBX.converse(create + ["--name", "term.bad", "--extension", "12"], env: env, [])
        XCTAssertEqual(invalid.code, 2, invalid.stdout)
        XCTAssertTrue(invalid.stdout.contains("--extension must be 3 to 64 digits (extension_number)"), invalid.stdout)
        XCTAssertFalse(invalid.stdout.contains("Password"), "no secret asked for before the input was judged: \(invalid.stdout)")

        let mismatch = PBX.converse(create + ["--name", "term.typo", "--extension", "7601"], env: env,
                                    [("Password: ", "Secret#7601a"), ("Password (again): ", "Secret#7601b")])
        XCTAssertEqual(mismatch.code, 2, mismatch.stdout)
        XCTAssertTrue(mismatch.stdout.contains("the two password entries differ; nothing was sent"), mismatch.stdout)
        XCTAssertFalse(mismatch.stdout.contains("Secret#7601"), "no echo")

        let created = PBX.converse(create + ["--name", "term.good", "--extension", "7602", "-q"], env: env, [
            ("Password: ", "Secret#7602a"), ("Password (again): ", "Secret#7602a"),
            ("Extension (SIP) password: ", "Sip#7602ab"), ("Extension (SIP) password (again): ", "Sip#7602ab"),
            ("Voicemail PIN (6-10 digits): ", "385920"), ("Voicemail PIN (6-10 digits) (again): ", "385920"),
        ])
        XCTAssertEqual(created.code, 0, created.stdout)
        XCTAssertEqual(PBX.run(["users", "get", "7602", "-o", "json", "--fields", "name"], env: env).stdout, "{\n  \"name\": \"term.good\"\n}\n")
        XCTAssertEqual(PBX.run(["users", "get", "7601"], env: env).code, 4, "the mistyped one was never created")
    }

    /// What --dry-run prints runs as printed: quiet curl lines, and a comment wherever
    /// a value was masked or stands in for one pbxctl would look up.
    func testDryRunLinesRunAsPrinted() throws {
        let list = PBX.run(["users", "list", "--limit", "1", "--dry-run"], env: env)
        XCTAssertEqual(list.code, 0, list.stderr)
        XCTAssertTrue(list.stdout.hasPrefix("curl -sS "), list.stdout)
        let ran = PBX.run(["-c", list.stdout], env: env, executable: "/bin/sh")
        XCTAssertEqual(ran.code, 0, ran.stderr)
        XCTAssertEqual(ran.stderr, "", "no progress meter")
        XCTAssertEqual(((PBX.json(ran.stdout) as? [String: Any])?["items"] as? [Any])?.count, 1)

        let delete = PBX.run(["users", "delete", "1002", "--dry-run"], env: env)
        XCTAssertEqual(delete.code, 0, delete.stderr)
        let lines = delete.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, delete.stdout)
        XCTAssertEqual(lines[0], "# 1002 is an extension number: replace it below with its user's ID, which this finds:")
        let lookup = PBX.run(["-c", lines[1]], env: env, executable: "/bin/sh")
        XCTAssertTrue(lookup.stdout.contains("\"extension_number\":\"1002\""), lookup.stdout)
        XCTAssertTrue(lines[2].hasPrefix("curl -sS -X POST ") && lines[2].contains("/users/1002/destroy"), lines[2])
        XCTAssertEqual(PBX.run(["users", "get", "1002", "-q"], env: env).code, 0, "a dry run deletes nothing")

        let create = PBX.run(["users", "create", "--name", "dry.masked", "--display-name", "D", "--email", "dm@example.com", "--role", "StandardUser",
                              "--extension", "7701", "-f", "password=Secret#7701", "-f", "extension_password=Sip#7701x", "-f", "voicemail_pin=385920", "--dry-run"], env: env)
        XCTAssertTrue(create.stdout.hasPrefix("curl -sS -X POST "), create.stdout)
        XCTAssertTrue(create.stderr.contains("# masked, substitute before running: field password, field extension_password, field voicemail_pin"), create.stderr)
    }

    /// Help marks required flags and lists every secret with the way to pass it without a
    /// terminal; doing exactly what it says creates the user.
    func testHelpMarksRequiredFlagsAndTeachesSecretsWithoutATerminal() throws {
        let help = PBX.run(["help", "users", "create"], env: env)
        XCTAssertEqual(help.code, 0)
        for flag in ["--name NAME", "--display-name DISPLAY_NAME", "--email EMAIL", "--role ROLE", "--extension EXTENSION"] {
            let line = help.stdout.split(separator: "\n").first { $0.contains(flag) }
            XCTAssertTrue(line?.hasSuffix("(required)") == true, "\(flag): \(line ?? "missing")")
        }
        XCTAssertFalse(help.stdout.split(separator: "\n").first { $0.contains("--department") }?.contains("(required)") ?? true)
        XCTAssertTrue(help.stdout.contains("\nSecrets (a no-echo prompt asks on a terminal; without one, pass each so):\n"
            + "  password            --password-stdin, -F password=@FILE or --data FILE\n"
            + "  extension_password  -F extension_password=@FILE or --data FILE\n"
            + "  voicemail_pin       -F voicemail_pin=@FILE or --data FILE\n"), help.stdout)
        XCTAssertTrue(PBX.run(["login", "--help"], env: env).stdout.contains("  password  --password-stdin\n"))

        let folder = PBX.temporaryDirectory()
        try "Sip#7901xy\n".write(toFile: folder + "/sip", atomically: true, encoding: .utf8)
        try "385920\n".write(toFile: folder + "/pin", atomically: true, encoding: .utf8)
        let created = PBX.run(["users", "create", "--name", "help.taught", "--display-name", "H", "--email", "ht@example.com", "--role", "StandardUser",
                               "--extension", "7901", "--password-stdin", "-F", "extension_password=@" + folder + "/sip", "-F", "voicemail_pin=@" + folder + "/pin", "-q"],
                              env: env, stdin: "Secret#7901a\n")
        XCTAssertEqual(created.code, 0, created.stderr)
        XCTAssertFalse(created.stderr.contains("warning"), created.stderr)
    }
}
