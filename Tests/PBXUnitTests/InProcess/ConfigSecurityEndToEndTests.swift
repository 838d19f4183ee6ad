import Foundation
import XCTest

/// The config and credentials files against hostile values, hostile servers and
/// other users: nothing injects lines, nothing travels where it should not (the
/// sandbox's own listener: PBXEndToEndTests).
final class ConfigSecurityEndToEndTests: InProcessSandboxTestCase {
    override class var sandboxArguments: [String] { ["--newline-tokens"] }

    func configText(_ home: String) -> String { (try? String(contentsOfFile: home + "/.config/pbxctl/config", encoding: .utf8)) ?? "" }
    func credentialsText(_ home: String) -> String { (try? String(contentsOfFile: home + "/.config/pbxctl/credentials", encoding: .utf8)) ?? "" }

    // MARK: injection

    func testTypedValuesWithLineBreaksAreRefusedAndNothingIsWritten() {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        let attempts: [[String]] = [
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com\n[profile evil]"],
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "username=admin\r\nurl = http://evil"],
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "token=abc\n[profile evil]"],
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "domain=a\u{1B}[2Jb"],
        ]
        for arguments in attempts {
            let result = InProcess.run(arguments, env: env)
            XCTAssertEqual(result.code, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("control character"), result.stderr)
        }
        XCTAssertEqual(configText(home), "", "nothing was written")
        XCTAssertEqual(credentialsText(home), "")
    }

    func testServerIssuedTokensAndIDsWithLineBreaksAreRefused() {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        XCTAssertEqual(InProcess.run(["config", "set", "lab", "--type", "portsip", "--url", sandbox.baseURL + "/portsip", "username=admin"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["config", "set", "chat", "--type", "rocketchat", "--url", sandbox.baseURL + "/rocketchat", "username=agent"], env: env).code, 0)
        let before = configText(home)
        let login = InProcess.run(["login", "-p", "lab", "--password-stdin"], env: env, stdin: "sandbox\n")
        XCTAssertEqual(login.code, 1, "the server sent it: exit 1: \(login.stderr)")
        XCTAssertTrue(login.stderr.contains("control character"), login.stderr)
        let chat = InProcess.run(["login", "-p", "chat", "--password-stdin"], env: env, stdin: "sandbox\n")
        XCTAssertEqual(chat.code, 1, chat.stderr)
        XCTAssertEqual(configText(home), before, "the config is unchanged")
        XCTAssertFalse(credentialsText(home).contains("injected") || credentialsText(home).contains("token"), credentialsText(home))
        XCTAssertFalse(InProcess.run(["config", "list", "-q"], env: env).stdout.contains("injected"))
    }

    func testHeadersWithLineBreaksAreRefusedBeforeSending() {
        let env = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t0k\r\nX-Injected: 1"])
        let token = InProcess.run(["users", "list"], env: env)
        XCTAssertEqual(token.code, 2, "refused, not sent (a send would be exit 5): \(token.stderr)")
        let clean = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t0k"])
        let header = InProcess.run(["api", "/users", "-H", "X-Note: a\rX-Injected: 1"], env: clean)
        XCTAssertEqual(header.code, 2, header.stderr)
        let dryRun = InProcess.run(["api", "/users", "-H", "X-Note: a\nX-Injected: 1", "--dry-run"], env: clean)
        XCTAssertEqual(dryRun.code, 2, "not even printed as a curl line: \(dryRun.stdout)")
    }

    func testValuesComeBackByteForByte() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        for value in ["pass #word", "pa;ss ;x", "\"q\"", "  spaced  "] {
            let set = InProcess.run(["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "username=\(value)", "token=\(value)"], env: env)
            XCTAssertEqual(set.code, 0, set.stderr)
            let shown = InProcess.run(["config", "show", "p", "-o", "json"], env: env)
            let object = try XCTUnwrap(InProcess.json(shown.stdout) as? [String: Any])
            XCTAssertEqual(object["username"] as? String, value)
        }
    }

    // MARK: profile names

    func testProfileNamesAreASafeSet() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        for name in ["$(touch pwned)", "a`id`", "a/b", "-x", "naïve", "a*"] {
            let result = InProcess.run(["config", "set", name, "--type", "portsip", "--url", "https://pbx.example.com"], env: env)
            XCTAssertEqual(result.code, 2, "\(name): \(result.stderr)")
        }
        XCTAssertEqual(InProcess.run(["config", "set", "good_1.a-b", "--type", "portsip", "--url", "https://pbx.example.com"], env: env).code, 0)
        let folder = home + "/.config/pbxctl"
        try (configText(home) + "\n[profile $(touch pwned)]\ntype = portsip\nurl = https://x.example\n").write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let list = InProcess.run(["config", "list", "-q"], env: env)
        XCTAssertEqual(list.code, 0, list.stderr)
        XCTAssertEqual(list.stdout, "good_1.a-b\n", "a name outside the safe set is never offered")
        XCTAssertTrue(list.stderr.contains("ignored"), list.stderr)
    }

    // MARK: Vonage region and plain http

    func testVonageRegionIsALabel() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        let set = InProcess.run(["config", "set", "v", "--type", "vonage", "region=127.0.0.1:9/steal?", "client_id=c", "client_secret=s"], env: env)
        XCTAssertEqual(set.code, 2, set.stderr)
        XCTAssertEqual(InProcess.run(["config", "set", "v", "--type", "vonage", "region=emea", "client_id=c", "client_secret=s"], env: env).code, 0)
        let folder = home + "/.config/pbxctl"
        try configText(home).replacingOccurrences(of: "region = emea", with: "region = 127.0.0.1:9/steal?").write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let fromFile = InProcess.run(["callback-numbers", "list"], env: env)
        XCTAssertEqual(fromFile.code, 2, "refused, not sent to 127.0.0.1:9 (exit 5): \(fromFile.stderr)")
        XCTAssertTrue(fromFile.stderr.contains("region"), fromFile.stderr)
        let fromEnvironment = InProcess.run(["callback-numbers", "list"], env: InProcess.environment(home: InProcess.temporaryDirectory(), extra: [
            "PBXCTL_VONAGE_REGION": "127.0.0.1:9/x?", "PBXCTL_VONAGE_CLIENT_ID": "c", "PBXCTL_VONAGE_CLIENT_SECRET": "s"]))
        XCTAssertEqual(fromEnvironment.code, 2, fromEnvironment.stderr)
    }

    func testSecretsOverPlainHTTPToAnotherHostWarn() {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        let warning = "plain http"
        InProcess.run(["config", "set", "far", "--type", "portsip", "--url", "http://127.0.0.1.pbx.invalid:9", "username=admin"], env: env)
        let portsip = InProcess.run(["login", "-p", "far", "--password-stdin", "--retries", "0"], env: env, stdin: "pw\n")
        XCTAssertTrue(portsip.stderr.contains(warning), "PortSIP login: \(portsip.stderr)")
        InProcess.run(["config", "set", "chat", "--type", "rocketchat", "--url", "http://chat.invalid:9", "username=agent"], env: env)
        let rocket = InProcess.run(["login", "-p", "chat", "--password-stdin", "--retries", "0"], env: env, stdin: "pw\n")
        XCTAssertTrue(rocket.stderr.contains(warning), "Rocket.Chat login: \(rocket.stderr)")
        let vonage = InProcess.run(["callback-numbers", "list", "--retries", "0"], env: InProcess.environment(home: InProcess.temporaryDirectory(), extra: [
            "PBXCTL_VONAGE_URL": "https://vcc.invalid/useradmin", "PBXCTL_VONAGE_TOKEN_URL": "http://vcc.invalid:9/token",
            "PBXCTL_VONAGE_CLIENT_ID": "c", "PBXCTL_VONAGE_CLIENT_SECRET": "s"]))
        XCTAssertTrue(vonage.stderr.contains(warning), "Vonage token: \(vonage.stderr)")
        InProcess.run(["config", "set", "near", "--type", "portsip", "--url", sandbox.baseURL + "/portsip", "username=admin"], env: env)
        let loopback = InProcess.run(["login", "-p", "near", "--password-stdin"], env: env, stdin: "wrong\n")
        XCTAssertFalse(loopback.stderr.contains(warning), "loopback is not the network: \(loopback.stderr)")
    }

    // MARK: who may write the files

    func testConfigOthersCanWriteIsRefused() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home, extra: ["PBXCTL_URL": "", "PBXCTL_TOKEN": ""])
        let folder = home + "/.config/pbxctl"
        XCTAssertEqual(InProcess.run(["config", "set", "lab", "--type", "portsip", "--url", InProcess.closedURL, "token=t"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "list", "--retries", "0"], env: env).code, 5, "trusted: sent")

        chmod(folder + "/config", 0o666)
        let file = InProcess.run(["users", "list", "--retries", "0"], env: env)
        XCTAssertEqual(file.code, 2, "refused before the token is used: \(file.stderr)")
        XCTAssertTrue(file.stderr.contains("chmod"), file.stderr)
        chmod(folder + "/config", 0o644)

        chmod(folder, 0o777)
        let directory = InProcess.run(["users", "list", "--retries", "0"], env: env)
        XCTAssertEqual(directory.code, 2, directory.stderr)
        XCTAssertTrue(directory.stderr.contains("chmod"), directory.stderr)
        XCTAssertEqual(InProcess.run(["config", "path"], env: env).code, 0, "the way to find the files still works")
        chmod(folder, 0o700)

        if geteuid() == 0 {
            chown(folder + "/config", 65534, 65534)
            let owner = InProcess.run(["users", "list", "--retries", "0"], env: env)
            XCTAssertEqual(owner.code, 2, "owned by another user: \(owner.stderr)")
            chown(folder + "/config", 0, 0)
        }
        XCTAssertEqual(InProcess.run(["users", "list", "--retries", "0"], env: env).code, 5)
    }

    func testBareConfigFileNameKeepsCredentialsBesideIt() {
        let env = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_CONFIG": "name.ini"])
        let paths = InProcess.run(["config", "path"], env: env)
        XCTAssertEqual(paths.code, 0, paths.stderr)
        XCTAssertEqual(paths.stdout, "name.ini\ncredentials\n", "never /credentials")
    }

    // MARK: sandbox
}
