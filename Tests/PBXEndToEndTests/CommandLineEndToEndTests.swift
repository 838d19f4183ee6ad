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
}
