import Foundation
import XCTest

/// The config and credentials files against hostile values, hostile servers and
/// other users: nothing injects lines, nothing travels where it should not.
final class ConfigSecurityEndToEndTests: SandboxTestCase {
    override class var sandboxArguments: [String] { ["--newline-tokens"] }

    func configText(_ home: String) -> String { (try? String(contentsOfFile: home + "/.config/pbxctl/config", encoding: .utf8)) ?? "" }
    func credentialsText(_ home: String) -> String { (try? String(contentsOfFile: home + "/.config/pbxctl/credentials", encoding: .utf8)) ?? "" }

    // MARK: injection

    func testTypedValuesWithLineBreaksAreRefusedAndNothingIsWritten() {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        let attempts: [[String]] = [
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com\n[profile evil]"],
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "username=admin\r\nurl = http://evil"],
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "token=abc\n[profile evil]"],
            ["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "domain=a\u{1B}[2Jb"],
        ]
        for arguments in attempts {
            let result = PBX.run(arguments, env: env)
            XCTAssertEqual(result.code, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("control character"), result.stderr)
        }
        XCTAssertEqual(configText(home), "", "nothing was written")
        XCTAssertEqual(credentialsText(home), "")
    }

    func testServerIssuedTokensAndIDsWithLineBreaksAreRefused() {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        XCTAssertEqual(PBX.run(["config", "set", "lab", "--type", "portsip", "--url", sandbox.baseURL + "/portsip", "username=admin"], env: env).code, 0)
        XCTAssertEqual(PBX.run(["config", "set", "chat", "--type", "rocketchat", "--url", sandbox.baseURL + "/rocketchat", "username=agent"], env: env).code, 0)
        let before = configText(home)
        let login = PBX.run(["login", "-p", "lab", "--password-stdin"], env: env, stdin: "sandbox\n")
        XCTAssertEqual(login.code, 1, "the server sent it: exit 1: \(login.stderr)")
        XCTAssertTrue(login.stderr.contains("control character"), login.stderr)
        let chat = PBX.run(["login", "-p", "chat", "--password-stdin"], env: env, stdin: "sandbox\n")
        XCTAssertEqual(chat.code, 1, chat.stderr)
        XCTAssertEqual(configText(home), before, "the config is unchanged")
        XCTAssertFalse(credentialsText(home).contains("injected") || credentialsText(home).contains("token"), credentialsText(home))
        XCTAssertFalse(PBX.run(["config", "list", "-q"], env: env).stdout.contains("injected"))
    }

    func testHeadersWithLineBreaksAreRefusedBeforeSending() {
        let env = PBX.environment(home: PBX.temporaryDirectory(), extra: ["PBXCTL_URL": PBX.closedURL, "PBXCTL_TOKEN": "t0k\r\nX-Injected: 1"])
        let token = PBX.run(["users", "list"], env: env)
        XCTAssertEqual(token.code, 2, "refused, not sent (a send would be exit 5): \(token.stderr)")
        let clean = PBX.environment(home: PBX.temporaryDirectory(), extra: ["PBXCTL_URL": PBX.closedURL, "PBXCTL_TOKEN": "t0k"])
        let header = PBX.run(["api", "/users", "-H", "X-Note: a\rX-Injected: 1"], env: clean)
        XCTAssertEqual(header.code, 2, header.stderr)
        let dryRun = PBX.run(["api", "/users", "-H", "X-Note: a\nX-Injected: 1", "--dry-run"], env: clean)
        XCTAssertEqual(dryRun.code, 2, "not even printed as a curl line: \(dryRun.stdout)")
    }

    func testValuesComeBackByteForByte() throws {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        for value in ["pass #word", "pa;ss ;x", "\"q\"", "  spaced  "] {
            let set = PBX.run(["config", "set", "p", "--type", "portsip", "--url", "https://pbx.example.com", "username=\(value)", "token=\(value)"], env: env)
            XCTAssertEqual(set.code, 0, set.stderr)
            let shown = PBX.run(["config", "show", "p", "-o", "json"], env: env)
            let object = try XCTUnwrap(PBX.json(shown.stdout) as? [String: Any])
            XCTAssertEqual(object["username"] as? String, value)
        }
    }

    // MARK: profile names

    func testProfileNamesAreASafeSet() throws {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        for name in ["$(touch pwned)", "a`id`", "a/b", "-x", "naïve", "a*"] {
            let result = PBX.run(["config", "set", name, "--type", "portsip", "--url", "https://pbx.example.com"], env: env)
            XCTAssertEqual(result.code, 2, "\(name): \(result.stderr)")
        }
        XCTAssertEqual(PBX.run(["config", "set", "good_1.a-b", "--type", "portsip", "--url", "https://pbx.example.com"], env: env).code, 0)
        let folder = home + "/.config/pbxctl"
        try (configText(home) + "\n[profile $(touch pwned)]\ntype = portsip\nurl = https://x.example\n").write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let list = PBX.run(["config", "list", "-q"], env: env)
        XCTAssertEqual(list.code, 0, list.stderr)
        XCTAssertEqual(list.stdout, "good_1.a-b\n", "a name outside the safe set is never offered")
        XCTAssertTrue(list.stderr.contains("ignored"), list.stderr)
    }

    // MARK: Vonage region and plain http

    func testVonageRegionIsALabel() throws {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        let set = PBX.run(["config", "set", "v", "--type", "vonage", "region=127.0.0.1:9/steal?", "client_id=c", "client_secret=s"], env: env)
        XCTAssertEqual(set.code, 2, set.stderr)
        XCTAssertEqual(PBX.run(["config", "set", "v", "--type", "vonage", "region=emea", "client_id=c", "client_secret=s"], env: env).code, 0)
        let folder = home + "/.config/pbxctl"
        try configText(home).replacingOccurrences(of: "region = emea", with: "region = 127.0.0.1:9/steal?").write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        let fromFile = PBX.run(["callback-numbers", "list"], env: env)
        XCTAssertEqual(fromFile.code, 2, "refused, not sent to 127.0.0.1:9 (exit 5): \(fromFile.stderr)")
        XCTAssertTrue(fromFile.stderr.contains("region"), fromFile.stderr)
        let fromEnvironment = PBX.run(["callback-numbers", "list"], env: PBX.environment(home: PBX.temporaryDirectory(), extra: [
            "PBXCTL_VONAGE_REGION": "127.0.0.1:9/x?", "PBXCTL_VONAGE_CLIENT_ID": "c", "PBXCTL_VONAGE_CLIENT_SECRET": "s"]))
        XCTAssertEqual(fromEnvironment.code, 2, fromEnvironment.stderr)
    }

    func testSecretsOverPlainHTTPToAnotherHostWarn() {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        let warning = "plain http"
        PBX.run(["config", "set", "far", "--type", "portsip", "--url", "http://127.0.0.1.pbx.invalid:9", "username=admin"], env: env)
        let portsip = PBX.run(["login", "-p", "far", "--password-stdin", "--retries", "0"], env: env, stdin: "pw\n")
        XCTAssertTrue(portsip.stderr.contains(warning), "PortSIP login: \(portsip.stderr)")
        PBX.run(["config", "set", "chat", "--type", "rocketchat", "--url", "http://chat.invalid:9", "username=agent"], env: env)
        let rocket = PBX.run(["login", "-p", "chat", "--password-stdin", "--retries", "0"], env: env, stdin: "pw\n")
        XCTAssertTrue(rocket.stderr.contains(warning), "Rocket.Chat login: \(rocket.stderr)")
        let vonage = PBX.run(["callback-numbers", "list", "--retries", "0"], env: PBX.environment(home: PBX.temporaryDirectory(), extra: [
            "PBXCTL_VONAGE_URL": "https://vcc.invalid/useradmin", "PBXCTL_VONAGE_TOKEN_URL": "http://vcc.invalid:9/token",
            "PBXCTL_VONAGE_CLIENT_ID": "c", "PBXCTL_VONAGE_CLIENT_SECRET": "s"]))
        XCTAssertTrue(vonage.stderr.contains(warning), "Vonage token: \(vonage.stderr)")
        PBX.run(["config", "set", "near", "--type", "portsip", "--url", sandbox.baseURL + "/portsip", "username=admin"], env: env)
        let loopback = PBX.run(["login", "-p", "near", "--password-stdin"], env: env, stdin: "wrong\n")
        XCTAssertFalse(loopback.stderr.contains(warning), "loopback is not the network: \(loopback.stderr)")
    }

    // MARK: who may write the files

    func testConfigOthersCanWriteIsRefused() throws {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home, extra: ["PBXCTL_URL": "", "PBXCTL_TOKEN": ""])
        let folder = home + "/.config/pbxctl"
        XCTAssertEqual(PBX.run(["config", "set", "lab", "--type", "portsip", "--url", PBX.closedURL, "token=t"], env: env).code, 0)
        XCTAssertEqual(PBX.run(["users", "list", "--retries", "0"], env: env).code, 5, "trusted: sent")

        chmod(folder + "/config", 0o666)
        let file = PBX.run(["users", "list", "--retries", "0"], env: env)
        XCTAssertEqual(file.code, 2, "refused before the token is used: \(file.stderr)")
        XCTAssertTrue(file.stderr.contains("chmod"), file.stderr)
        chmod(folder + "/config", 0o644)

        chmod(folder, 0o777)
        let directory = PBX.run(["users", "list", "--retries", "0"], env: env)
        XCTAssertEqual(directory.code, 2, directory.stderr)
        XCTAssertTrue(directory.stderr.contains("chmod"), directory.stderr)
        XCTAssertEqual(PBX.run(["config", "path"], env: env).code, 0, "the way to find the files still works")
        chmod(folder, 0o700)

        if geteuid() == 0 {
            chown(folder + "/config", 65534, 65534)
            let owner = PBX.run(["users", "list", "--retries", "0"], env: env)
            XCTAssertEqual(owner.code, 2, "owned by another user: \(owner.stderr)")
            chown(folder + "/config", 0, 0)
        }
        XCTAssertEqual(PBX.run(["users", "list", "--retries", "0"], env: env).code, 5)
    }

    func testBareConfigFileNameKeepsCredentialsBesideIt() {
        let env = PBX.environment(home: PBX.temporaryDirectory(), extra: ["PBXCTL_CONFIG": "name.ini"])
        let paths = PBX.run(["config", "path"], env: env)
        XCTAssertEqual(paths.code, 0, paths.stderr)
        XCTAssertEqual(paths.stdout, "name.ini\ncredentials\n", "never /credentials")
    }

    // MARK: sandbox

    func testSandboxOnANonLoopbackAddressWarns() throws {
        func stderrOf(host: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PBX.binary)
            process.arguments = ["sandbox", "--host", host, "--port", "0"]
            process.environment = PBX.environment(home: PBX.temporaryDirectory())
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            var seen = ""
            while !seen.contains("listening on") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            process.interrupt()
            process.waitUntilExit()
            return String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        XCTAssertTrue(try stderrOf(host: "0.0.0.0").contains("reachable from other machines"))
        XCTAssertFalse(try stderrOf(host: "127.0.0.1").contains("reachable from other machines"))
        let unusable = PBX.run(["sandbox", "--host", "not an ip", "--port", "0"], env: PBX.environment(home: PBX.temporaryDirectory()))
        XCTAssertNotEqual(unusable.code, 0)
        XCTAssertFalse(unusable.stderr.contains("warning:"), "an address that cannot be used gets its error alone: \(unusable.stderr)")
    }
}
