import Foundation
import XCTest

/// Profiles, login/logout, help and `api`, end to end.
final class ProfilesEndToEndTests: InProcessSandboxTestCase {
    override class var sandboxArguments: [String] { ["--token-ttl", "2"] }

    func testLoginStoresTokensPrivatelyAndConfigNeverPrintsThem() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        let url = sandbox.baseURL + "/portsip"
        XCTAssertEqual(InProcess.run(["config", "set", "lab", "--type", "portsip", "--url", url, "username=admin"], env: env).code, 0)
        let wrong = InProcess.run(["login", "-p", "lab", "--password-stdin"], env: env, stdin: "nope\n")
        XCTAssertEqual(wrong.code, 3, wrong.stderr)
        let login = InProcess.run(["login", "-p", "lab", "--password-stdin"], env: env, stdin: "sandbox\n")
        XCTAssertEqual(login.code, 0, login.stderr)

        let credentials = home + "/.config/pbxctl/credentials"
        let attributes = try FileManager.default.attributesOfItem(atPath: credentials)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let stored = try String(contentsOfFile: credentials, encoding: .utf8)
        let token = try XCTUnwrap(stored.split(separator: "\n").first { $0.hasPrefix("token = ") }).dropFirst(8)
        XCTAssertTrue(stored.contains("refresh_token = "))
        XCTAssertFalse(try String(contentsOfFile: home + "/.config/pbxctl/config", encoding: .utf8).contains(String(token)))

        let list = InProcess.run(["users", "list", "--limit", "2", "-q"], env: env)
        XCTAssertEqual(list.code, 0, "the only portsip profile is used: \(list.stderr)")
        for command in [["config", "list"], ["config", "show", "lab"], ["config", "list", "-o", "json"], ["config", "show", "lab", "-o", "json"]] {
            let shown = InProcess.run(command, env: env)
            XCTAssertEqual(shown.code, 0)
            XCTAssertFalse(shown.stdout.contains(token) || shown.stdout.contains("sandbox\n"), "secret in \(command)")
        }
        XCTAssertTrue(InProcess.run(["config", "show", "lab"], env: env).stdout.contains("token (set)"))

        // The sandbox issued a 2-second token: after it expires, one transparent refresh.
        InProcess.clock.advance(by: 2.5)
        let refreshed = InProcess.run(["users", "get", "1001", "-q", "-v"], env: env)
        XCTAssertEqual(refreshed.code, 0, refreshed.stderr)
        XCTAssertTrue(refreshed.stderr.contains("refreshed the access token"), refreshed.stderr)
        let after = try String(contentsOfFile: credentials, encoding: .utf8)
        XCTAssertFalse(after.contains(String(token)), "the new token replaced the old one")

        XCTAssertEqual(InProcess.run(["logout", "-p", "lab"], env: env).code, 0)
        XCTAssertFalse(try String(contentsOfFile: credentials, encoding: .utf8).contains("token"))
        let loggedOut = InProcess.run(["users", "list"], env: env)
        XCTAssertEqual(loggedOut.code, 3, loggedOut.stderr)
        XCTAssertTrue(loggedOut.stderr.contains("pbxctl login"))
    }

    func testLooseCredentialsModeWarns() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        XCTAssertEqual(InProcess.run(["config", "set", "lab", "--type", "portsip", "--url", sandbox.baseURL + "/portsip", "token=sandbox-portsip-token"], env: env).code, 0)
        let credentials = home + "/.config/pbxctl/credentials"
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        chmod(credentials, 0o644)
        let result = InProcess.run(["users", "list", "-q", "--limit", "1"], env: env)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("chmod 600"), result.stderr)
    }

    func testProfileRouting() {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        let url = sandbox.baseURL + "/portsip"
        let none = InProcess.run(["users", "list"], env: env)
        XCTAssertEqual(none.code, 2)
        XCTAssertTrue(none.stderr.contains("pbxctl config set"), none.stderr)
        InProcess.run(["config", "set", "a", "--type", "portsip", "--url", url, "token=sandbox-portsip-token"], env: env)
        InProcess.run(["config", "set", "b", "--type", "portsip", "--url", "http://127.0.0.1:9", "token=x"], env: env)
        InProcess.run(["config", "set", "chat", "--type", "rocketchat", "--url", "http://127.0.0.1:9"], env: env)
        let ambiguous = InProcess.run(["users", "list"], env: env)
        XCTAssertEqual(ambiguous.code, 2)
        XCTAssertTrue(ambiguous.stderr.contains("config use"), ambiguous.stderr)
        XCTAssertEqual(InProcess.run(["users", "list", "-p", "a", "-q", "--limit", "1"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "list", "-p", "chat"], env: env).code, 2, "wrong profile type")
        XCTAssertEqual(InProcess.run(["users", "list", "-p", "nosuch"], env: env).code, 2)
        XCTAssertEqual(InProcess.run(["config", "use", "a"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "list", "-q", "--limit", "1"], env: env).code, 0, "the default profile")
        XCTAssertEqual(InProcess.run(["users", "list", "-q", "--limit", "1", "--retries", "0"], env: env.merging(["PBXCTL_PROFILE": "b"]) { $1 }).code, 5, "PBXCTL_PROFILE beats the default")
        let viaEnvironment = InProcess.run(["users", "list", "-q", "--limit", "1"], env: env.merging(["PBXCTL_URL": url, "PBXCTL_TOKEN": "sandbox-portsip-token"]) { $1 })
        XCTAssertEqual(viaEnvironment.code, 0)
        XCTAssertEqual(InProcess.run(["config", "delete", "b", "--yes"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["config", "list", "-q"], env: env).stdout, "a\nchat\n")
        XCTAssertTrue(InProcess.run(["config", "path"], env: env).stdout.hasPrefix(home + "/.config/pbxctl/config\n"))
    }

    func testHelpAtEveryLevel() {
        let env = InProcess.environment(home: InProcess.temporaryDirectory())
        let root = InProcess.run(["--help"], env: env)
        XCTAssertEqual(root.code, 0)
        XCTAssertTrue(root.stdout.contains("users") && root.stdout.contains("Global flags:"))
        let viaHelp = InProcess.run(["help", "users", "list"], env: env)
        let viaFlag = InProcess.run(["users", "list", "--help"], env: env)
        XCTAssertEqual(viaHelp.stdout, viaFlag.stdout)
        for needle in ["Usage:\n  pbxctl users list [flags]", "--page-size N", "(default 100)", "Examples:\n  $ pbxctl users list", "--output FMT"] {
            XCTAssertTrue(viaHelp.stdout.contains(needle), "missing \(needle)")
        }
        let typo = InProcess.run(["users", "list", "--limt", "3"], env: env)
        XCTAssertEqual(typo.code, 2)
        XCTAssertTrue(typo.stderr.contains("unknown flag --limt; did you mean --limit"), typo.stderr)
        let badFormat = InProcess.run(["users", "list", "-o", "jsno"], env: env)
        XCTAssertEqual(badFormat.code, 2)
        XCTAssertTrue(badFormat.stderr.contains("'json'"), badFormat.stderr)
        XCTAssertEqual(InProcess.run(["--version"], env: env).stdout, InProcess.run(["version"], env: env).stdout)
    }

    func testAPIEscapeHatch() throws {
        let env = sandbox.env()
        let one = InProcess.run(["api", "-X", "GET", "/users", "-f", "filter=extension_number eq '1003'"], env: env)
        XCTAssertEqual(one.code, 0, one.stderr)
        let object = try XCTUnwrap(InProcess.json(one.stdout) as? [String: Any])
        XCTAssertEqual(object["count"] as? Int, 1)
        let paged = InProcess.run(["api", "/api/users", "--paginate", "-o", "jsonl"], env: env)
        XCTAssertGreaterThanOrEqual(paged.stdout.split(separator: "\n").count, 250)
        let invalid = InProcess.run(["api", "-X", "GET", "/users", "-F", "top=500"], env: env)
        XCTAssertEqual(invalid.code, 1, "the sandbox enforces top 1..100 like the server")
        XCTAssertTrue(invalid.stderr.contains("VALIDATE_FAILED"), invalid.stderr)
    }

    func testRolesLifecycle() throws {
        let env = sandbox.env()
        XCTAssertTrue(InProcess.run(["roles", "list", "-q"], env: env).stdout.contains("QueueManager\n"))
        let create = InProcess.run(["roles", "create", "Auditors", "--description", "Read-only", "-F", "permissions.analytics.call_report_view_only=true"], env: env)
        XCTAssertEqual(create.code, 0, create.stderr)
        let shown = try XCTUnwrap(InProcess.json(InProcess.run(["roles", "get", "Auditors", "-o", "json"], env: env).stdout) as? [String: Any])
        XCTAssertEqual(((shown["permissions"] as? [String: Any])?["analytics"] as? [String: Any])?["call_report_view_only"] as? Bool, true)
        XCTAssertEqual(InProcess.run(["roles", "update", "Auditors", "--description", "Auditing"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["roles", "delete", "Auditors", "--yes"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["roles", "get", "Auditors"], env: env).code, 4)
    }
}
