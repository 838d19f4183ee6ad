import Foundation
import XCTest

/// `registration check --nagios`, on Rocket.Chat profiles, and what `registration watch`
/// refuses (watching until Ctrl-C: PBXEndToEndTests).
final class RegistrationProbeEndToEndTests: InProcessSandboxTestCase {
    func rocketEnv() -> [String: String] {
        InProcess.environment(home: sandbox.home, extra: [
            "PBXCTL_ROCKETCHAT_URL": sandbox.baseURL + "/rocketchat", "PBXCTL_ROCKETCHAT_USER_ID": "rbAXPnMktTFbNpwtJ",
            "PBXCTL_ROCKETCHAT_AUTH_TOKEN": "sandbox-rocketchat-token",
        ])
    }

    func setDeviceState(_ state: String) throws {
        let encoded = state.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        _ = try sandbox.get("/_sandbox/rocketchat/state?state=\(encoded)", method: "POST")
    }

    func testNagiosStatusLineAndExitCodes() {
        let ok = InProcess.run(["registration", "check", "1001", "--nagios"], env: env)
        XCTAssertEqual(ok.code, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "REGISTRATION OK - 1001 registered from 192.0.2.1:5060 (Yealink SIP-T54W 96.86.0.30) | registrations=1\n")
        let critical = InProcess.run(["registration", "check", "1002", "--nagios"], env: env)
        XCTAssertEqual(critical.code, 2)
        XCTAssertEqual(critical.stdout, "REGISTRATION CRITICAL - 1002 not registered | registrations=0\n")
        let unknownUser = InProcess.run(["registration", "check", "9999", "--nagios"], env: env)
        XCTAssertEqual(unknownUser.code, 3)
        XCTAssertTrue(unknownUser.stdout.hasPrefix("REGISTRATION UNKNOWN - 9999: 404"), unknownUser.stdout)
        XCTAssertEqual(unknownUser.stdout.filter { $0 == "\n" }.count, 1, "one line")
        let noAnswer = InProcess.run(["registration", "check", "1001", "--nagios", "--retries", "0"],
                               env: InProcess.environment(home: sandbox.home, extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"]))
        XCTAssertEqual(noAnswer.code, 3)
        XCTAssertTrue(noAnswer.stdout.hasPrefix("REGISTRATION UNKNOWN - 1001: "), noAnswer.stdout)
        XCTAssertFalse(noAnswer.stdout.contains("|"), "no performance data when it could not tell")
        let badFlag = InProcess.run(["registration", "check", "1001", "--nagios", "--wait", "soon"], env: env)
        XCTAssertEqual(badFlag.code, 3, "a bad command line is UNKNOWN to a monitoring system, not CRITICAL")
        XCTAssertTrue(badFlag.stdout.hasPrefix("REGISTRATION UNKNOWN - "), badFlag.stdout)
        let unknownFlag = InProcess.run(["registration", "check", "1001", "--nagios", "--bogus"], env: env)
        XCTAssertEqual(unknownFlag.code, 3)
        XCTAssertTrue(unknownFlag.stdout.hasPrefix("REGISTRATION UNKNOWN - unknown flag --bogus"), unknownFlag.stdout)
        XCTAssertFalse(unknownFlag.stdout.contains("?"), "a message's first line, not its line breaks as '?': \(unknownFlag.stdout)")
        XCTAssertEqual(unknownFlag.stdout.filter { $0 == "\n" }.count, 1, "one line")
        // Without --nagios the codes stay as they were.
        XCTAssertEqual(InProcess.run(["registration", "check", "1002"], env: env).code, 7)
        XCTAssertEqual(InProcess.run(["registration", "check", "1001"], env: env).code, 0)
    }

    /// The answer a check prints is masked as `registration get` masks it.
    func testACheckPrintsTheRocketChatAnswerWithoutItsSIPPassword() throws {
        for format in ["json", "jsonl", "csv"] {
            let checked = InProcess.run(["registration", "check", "1001", "-o", format], env: rocketEnv())
            XCTAssertEqual(checked.code, 0, checked.stderr)
            XCTAssertTrue(checked.stdout.contains("***"), "\(format): \(checked.stdout)")
            XCTAssertFalse(checked.stdout.contains("my$up3erP@ssw0rd"), "\(format): \(checked.stdout)")
        }
        let shown = InProcess.run(["registration", "check", "1001", "-o", "json", "--show-secrets"], env: rocketEnv())
        XCTAssertTrue(shown.stdout.contains("my$up3erP@ssw0rd"), shown.stdout + shown.stderr)
    }

    func testRocketChatCheckFollowsTheDeviceState() throws {
        defer { try? setDeviceState("Not in use") }
        let env = rocketEnv()
        try setDeviceState("Not in use")
        let idle = InProcess.run(["registration", "check"], env: env)
        XCTAssertEqual(idle.code, 0, idle.stderr)
        let ok = InProcess.run(["registration", "check", "1001", "--nagios"], env: env)
        XCTAssertEqual(ok.code, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "REGISTRATION OK - 1001 registered (device state Not in use) | registrations=1\n")
        XCTAssertEqual(InProcess.run(["registration", "check", "rbAXPnMktTFbNpwtJ"], env: env).code, 0, "the user ID works too")
        let otherExtension = InProcess.run(["registration", "check", "1002"], env: env)
        XCTAssertEqual(otherExtension.code, 2, "Rocket.Chat answers only for its own user")
        XCTAssertTrue(otherExtension.stderr.contains("whose extension is 1001"), otherExtension.stderr)

        try setDeviceState("In use")
        XCTAssertEqual(InProcess.run(["registration", "check", "1001"], env: env).code, 0)
        try setDeviceState("NOT_INUSE")
        XCTAssertEqual(InProcess.run(["registration", "check", "1001"], env: env).code, 0, "Asterisk's other spelling")

        try setDeviceState("Unavailable")
        let gone = InProcess.run(["registration", "check", "1001"], env: env)
        XCTAssertEqual(gone.code, 7, gone.stderr)
        XCTAssertTrue(gone.stderr.contains("device state Unavailable"), gone.stderr)
        let critical = InProcess.run(["registration", "check", "1001", "--nagios"], env: env)
        XCTAssertEqual(critical.code, 2)
        XCTAssertEqual(critical.stdout, "REGISTRATION CRITICAL - 1001 not registered (device state Unavailable) | registrations=0\n")

        try setDeviceState("Unknown")
        XCTAssertEqual(InProcess.run(["registration", "check", "1001"], env: env).code, 1, "cannot tell")
        let unknown = InProcess.run(["registration", "check", "1001", "--nagios"], env: env)
        XCTAssertEqual(unknown.code, 3)
        XCTAssertTrue(unknown.stdout.hasPrefix("REGISTRATION UNKNOWN - 1001: "), unknown.stdout)

        try setDeviceState("In use|=1\n|")
        let hostile = InProcess.run(["registration", "check", "1001", "--nagios"], env: env)
        XCTAssertEqual(hostile.code, 0)
        XCTAssertEqual(hostile.stdout.filter { $0 == "\n" }.count, 1, "a server's text cannot add lines: \(hostile.stdout)")
        XCTAssertEqual(hostile.stdout.filter { $0 == "|" }.count, 1, "nor performance data: \(hostile.stdout)")
    }

    func testWatchRefusesBadInputBeforeWatching() {
        let missing = InProcess.run(["registration", "watch", "1001", "9999", "--interval", "0.2"], env: env)
        XCTAssertEqual(missing.code, 4, missing.stderr)
        XCTAssertEqual(missing.stdout, "")
        XCTAssertEqual(InProcess.run(["registration", "watch", "1001", "--interval", "0"], env: env).code, 2)
        XCTAssertEqual(InProcess.run(["registration", "watch"], env: env).code, 2)
    }
}
