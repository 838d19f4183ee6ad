import Foundation
import XCTest

/// Secrets pbxctl holds never come back out: not from a server that echoes them, not
/// from a URL's userinfo, not from a config file that holds them by mistake (not in a
/// core file: PBXEndToEndTests).
final class SecretsEndToEndTests: InProcessSandboxTestCase {
    override class var sandboxArguments: [String] { ["--echo-secrets", "--huge-error-bodies"] }

    func testSecretsEchoedByTheServerAreScrubbed() {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        InProcess.run(["config", "set", "lab", "--type", "portsip", "--url", sandbox.baseURL + "/portsip", "username=admin"], env: env)
        for verbose in [[], ["-v"]] {
            let login = InProcess.run(["login", "-p", "lab", "--password-stdin"] + verbose, env: env, stdin: "hunter2-wrong-pass\n")
            XCTAssertEqual(login.code, 3, login.stderr)
            XCTAssertTrue(login.stderr.contains("invalid password"), "the server's message is still shown: \(login.stderr)")
            XCTAssertFalse(login.stderr.contains("hunter2-wrong-pass"), login.stderr)
        }
        let tokenEnv = sandbox.env(["PBXCTL_TOKEN": "stale-secret-token-123"])
        for verbose in [[], ["-v"], ["-o", "json"]] {
            let list = InProcess.run(["users", "list", "--limit", "1"] + verbose, env: tokenEnv)
            XCTAssertEqual(list.code, 3, list.stderr)
            XCTAssertTrue(list.stderr.contains("access token"), list.stderr)
            XCTAssertFalse(list.stderr.contains("stale-secret-token-123"), list.stderr)
        }
    }

    /// Secrets are recognised by the shape of their names, in `-H` headers and body fields alike.
    func testSecretLookingHeadersAndFieldsAreNeverPrinted() {
        let fields = ["password=Pw12345678", "sip_password=SipPw777", "sipPassword=SipPw778", "passwd=Passwd779", "privateKey=PrivKey780",
                      "authorization=AuthVal781", "credentials=Cred782", "pass=Pass783", "api_key=ApiKey784", "pin=9876543"]
        let secrets = fields.map { String($0.split(separator: "=")[1]) } + ["supersecret123", "sessval999"]
        for extra in [["--dry-run"], ["-v"], []] {
            let result = InProcess.run(["api", "-X", "POST", "/users", "-H", "X-Api-Key: supersecret123", "-H", "X-Session: sessval999"] + fields.flatMap { ["-f", $0] } + extra, env: env)
            XCTAssertEqual(result.code, extra == ["--dry-run"] ? 0 : 1, result.stderr)
            if extra != ["--dry-run"] { XCTAssertTrue(result.stderr.contains("VALIDATE_FAILED"), "the server's refusal is still shown: \(result.stderr)") }
            if extra.isEmpty { XCTAssertTrue(result.stderr.contains(#""sip_password":"***""#), "the server echoed the body: \(result.stderr)") }
            for secret in secrets {
                XCTAssertFalse((result.stdout + result.stderr).contains(secret), "\(extra) printed \(secret): \(result.stdout)\(result.stderr)")
            }
        }
    }

    /// A dry-run line is the request: a header the user gave is never shown as the profile's token.
    func testDryRunShowsOverriddenCredentialsAsMasked() {
        let own = InProcess.run(["api", "/users", "--dry-run"], env: env)
        XCTAssertEqual(own.code, 0, own.stderr)
        XCTAssertTrue(own.stdout.contains(#"-H "Authorization: Bearer $PBXCTL_TOKEN""#), own.stdout)
        XCTAssertFalse(own.stderr.contains("masked"), own.stderr)
        let other = InProcess.run(["api", "/users", "-H", "Authorization: Bearer Other", "-H", "Cookie: session=x", "-H", "Proxy-Authorization: Basic cHJveHk6cHc=", "--dry-run"], env: env)
        XCTAssertEqual(other.code, 0, other.stderr)
        XCTAssertFalse(other.stdout.contains("PBXCTL_TOKEN"), other.stdout)
        XCTAssertFalse(other.stdout.contains("Other") || other.stdout.contains("session=x") || other.stdout.contains("cHJveHk6cHc="), other.stdout)
        for shown in ["'Authorization: Bearer ***'", "'Cookie: ***'", "'Proxy-Authorization: Basic ***'"] {
            XCTAssertTrue(other.stdout.contains(shown), other.stdout)
        }
        XCTAssertTrue(other.stderr.hasPrefix("# masked"), other.stderr)
        for name in ["Authorization", "Cookie", "Proxy-Authorization"] { XCTAssertTrue(other.stderr.contains("header \(name)"), other.stderr) }
        let body = InProcess.run(["api", "-X", "POST", "/users", "-f", "name=alice", "-f", "sip_password=SipPw777", "--dry-run"], env: env)
        XCTAssertEqual(body.code, 0, body.stderr)
        XCTAssertTrue(body.stdout.contains(#""sip_password":"***""#), body.stdout)
        XCTAssertTrue(body.stderr.contains("field sip_password"), body.stderr)
        XCTAssertFalse(body.stderr.contains("field name"), body.stderr)
    }

    func testUserinfoInAURLIsMasked() throws {
        let home = InProcess.temporaryDirectory()
        let url = "http://admin:s3cret-in-url@127.0.0.1:9"
        let env = InProcess.environment(home: home, extra: ["PBXCTL_URL": url, "PBXCTL_TOKEN": "t"])
        for extra in [["--dry-run"], ["-v", "--retries", "0"], ["--retries", "0"]] {
            let result = InProcess.run(["users", "list", "--limit", "1"] + extra, env: env)
            XCTAssertFalse((result.stdout + result.stderr).contains("s3cret-in-url"), "\(extra): \(result.stdout)\(result.stderr)")
        }
        let dryRun = InProcess.run(["users", "list", "--limit", "1", "--dry-run"], env: env)
        XCTAssertTrue(dryRun.stdout.contains("127.0.0.1:9"), dryRun.stdout)
        let profiles = InProcess.environment(home: home)
        XCTAssertEqual(InProcess.run(["config", "set", "u", "--type", "portsip", "--url", url], env: profiles).code, 0)
        for command in [["config", "show", "u"], ["config", "list"], ["config", "show", "u", "-o", "json"]] {
            let shown = InProcess.run(command, env: profiles)
            XCTAssertEqual(shown.code, 0, shown.stderr)
            XCTAssertFalse(shown.stdout.contains("s3cret-in-url"), "\(command): \(shown.stdout)")
        }
    }

    func testConfigShowNeverPrintsASecretFoundInTheConfigFile() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        XCTAssertEqual(InProcess.run(["config", "set", "lab", "--type", "portsip", "--url", "https://pbx.example.com"], env: env).code, 0)
        let path = home + "/.config/pbxctl/config"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "password = hunter2-in-config\napi_key = k3y-in-config\n").write(toFile: path, atomically: true, encoding: .utf8)
        for command in [["config", "show", "lab"], ["config", "show", "lab", "-o", "json"], ["config", "list", "-o", "json"]] {
            let shown = InProcess.run(command, env: env)
            XCTAssertEqual(shown.code, 0, shown.stderr)
            XCTAssertFalse(shown.stdout.contains("hunter2-in-config") || shown.stdout.contains("k3y-in-config"), "\(command): \(shown.stdout)")
            XCTAssertFalse(shown.stderr.contains("hunter2-in-config") || shown.stderr.contains("k3y-in-config"))
        }
        let show = InProcess.run(["config", "show", "lab"], env: env)
        XCTAssertTrue(show.stderr.contains("belong in") && show.stderr.contains("credentials"), show.stderr)
        XCTAssertTrue(show.stderr.contains("password") && show.stderr.contains("api_key"), show.stderr)
    }

    func testAHugeStreamedErrorIsTheServersErrorAndNotRetried() throws {
        let before = try sandbox.stats().operations["listUserCDRs"] ?? 0
        let result = InProcess.run(["cdrs", "list", "-o", "jsonl", "--retries", "3"], env: env)
        XCTAssertEqual(result.code, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("500"), result.stderr)
        XCTAssertFalse(result.stderr.contains("writing"), "not a local write failure: \(result.stderr)")
        XCTAssertLessThan(result.stderr.count, 4000, "the error excerpt is short")
        XCTAssertEqual((try sandbox.stats().operations["listUserCDRs"] ?? 0) - before, 1, "a 500 is not retried")
    }
}
