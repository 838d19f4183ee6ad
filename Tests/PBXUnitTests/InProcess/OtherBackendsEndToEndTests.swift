import Foundation
import XCTest

/// Rocket.Chat registration, Vonage callback numbers and CommPeak users, against
/// sandboxes that behave as the real servers do.
final class OtherBackendsEndToEndTests: XCTestCase {
    // Set in the class's setUp and read by its tests: XCTest runs them one at a time.
    nonisolated(unsafe) static var plain: InProcessSandbox!
    nonisolated(unsafe) static var signed: InProcessSandbox!

    override class func setUp() {
        super.setUp()
        plain = try! InProcessSandbox(arguments: ["--token-ttl", "4"])
        signed = try! InProcessSandbox(arguments: ["--signed-registration"])
    }

    override class func tearDown() {
        plain.stop()
        signed.stop()
        super.tearDown()
    }

    func rocketEnv(_ sandbox: InProcessSandbox, token: String = "sandbox-rocketchat-token", secret: String? = nil) -> [String: String] {
        var extra = ["PBXCTL_ROCKETCHAT_URL": sandbox.baseURL + "/rocketchat", "PBXCTL_ROCKETCHAT_USER_ID": "rbAXPnMktTFbNpwtJ", "PBXCTL_ROCKETCHAT_AUTH_TOKEN": token]
        if let secret { extra["PBXCTL_ROCKETCHAT_JWT_SECRET"] = secret }
        return InProcess.environment(home: sandbox.home, extra: extra)
    }

    func testRocketChatPlainAnswerMasksThePassword() throws {
        let env = rocketEnv(Self.plain)
        let table = InProcess.run(["registration", "get"], env: env)
        XCTAssertEqual(table.code, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("extensionDetails.extension      1001"), table.stdout)
        XCTAssertTrue(table.stdout.contains("extensionDetails.password       ***"))
        XCTAssertFalse(table.stdout.contains("P@ssw0rd"))
        let json = InProcess.run(["registration", "get", "-o", "json"], env: env)
        XCTAssertFalse(json.stdout.contains("P@ssw0rd"), "JSON masks it too without --show-secrets")
        let shown = try XCTUnwrap(InProcess.json(InProcess.run(["registration", "get", "-o", "json", "--show-secrets"], env: env).stdout) as? [String: Any])
        XCTAssertEqual((shown["extensionDetails"] as? [String: Any])?["password"] as? String, "my$up3erP@ssw0rd")
        XCTAssertEqual((shown["callServerConfig"] as? [String: Any])?["websocketPort"] as? String, "443")
        let traced = InProcess.run(["registration", "get", "-v"], env: env)
        XCTAssertTrue(traced.stderr.contains("> GET \(Self.plain.baseURL)/rocketchat/api/v1/connector.extension.getRegistrationInfoByUserId?id=rbAXPnMktTFbNpwtJ"), "id in the query string: \(traced.stderr)")
        XCTAssertFalse(traced.stderr.contains("sandbox-rocketchat-token"))
        XCTAssertFalse(traced.stderr.contains("P@ssw0rd"), "-v redacts response secrets")
    }

    func testRocketChatErrorPaths() {
        let env = rocketEnv(Self.plain)
        let other = InProcess.run(["registration", "get", "someoneElse"], env: env)
        XCTAssertEqual(other.code, 3)
        XCTAssertTrue(other.stderr.contains("answers only for the logged-in user"), other.stderr)
        let unauthorized = InProcess.run(["registration", "get"], env: rocketEnv(Self.plain, token: "wrong"))
        XCTAssertEqual(unauthorized.code, 3)
        XCTAssertTrue(unauthorized.stderr.contains("You must be logged in to do this."), unauthorized.stderr)
        let missingID = InProcess.run(["api", "-p", "x", "/connector.extension.getRegistrationInfoByUserId"], env: env)
        XCTAssertEqual(missingID.code, 2, "no profile x")
        let home = InProcess.temporaryDirectory()
        let profileEnv = InProcess.environment(home: home)
        InProcess.run(["config", "set", "chat", "--type", "rocketchat", "--url", Self.plain.baseURL + "/rocketchat", "username=noext"], env: profileEnv)
        XCTAssertEqual(InProcess.run(["login", "-p", "chat", "--password-stdin"], env: profileEnv, stdin: "sandbox\n").code, 0)
        let noExtension = InProcess.run(["registration", "get", "-p", "chat"], env: profileEnv)
        XCTAssertEqual(noExtension.code, 4)
        XCTAssertTrue(noExtension.stderr.contains("Extension not found"), noExtension.stderr)
        let matchError = InProcess.run(["api", "-p", "chat", "/connector.extension.getRegistrationInfoByUserId"], env: profileEnv)
        XCTAssertEqual(matchError.code, 1)
        XCTAssertTrue(matchError.stderr.contains("Match error: Missing key 'id'"), matchError.stderr)
    }

    func testRocketChatSignedAnswers() throws {
        let verified = InProcess.run(["registration", "get", "-o", "json"], env: rocketEnv(Self.signed, secret: "sandbox-jwt-secret"))
        XCTAssertEqual(verified.code, 0, verified.stderr)
        let object = try XCTUnwrap(InProcess.json(verified.stdout) as? [String: Any])
        XCTAssertEqual((object["extensionDetails"] as? [String: Any])?["extension"] as? String, "1001")
        XCTAssertEqual((object["extensionDetails"] as? [String: Any])?["password"] as? String, "***")
        XCTAssertFalse(verified.stderr.contains("not verified"))
        let tampered = InProcess.run(["registration", "get"], env: rocketEnv(Self.signed, secret: "a-different-secret"))
        XCTAssertEqual(tampered.code, 1)
        XCTAssertTrue(tampered.stderr.contains("signature does not match"), tampered.stderr)
        XCTAssertEqual(tampered.stdout, "", "nothing printed from an untrusted answer")
        let unverified = InProcess.run(["registration", "get"], env: rocketEnv(Self.signed))
        XCTAssertEqual(unverified.code, 0)
        XCTAssertTrue(unverified.stderr.contains("not verified"))
    }

    func vonageProfile() -> [String: String] {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        let base = Self.plain.baseURL + "/vonage"
        XCTAssertEqual(InProcess.run(["config", "set", "vcc", "--type", "vonage", "--url", base + "/useradmin", "token_url=\(base)/Auth/connect/token", "client_id=sandbox-client"], env: env).code, 0)
        let login = InProcess.run(["login", "-p", "vcc", "--password-stdin"], env: env, stdin: "sandbox-secret\n")
        XCTAssertEqual(login.code, 0, login.stderr)
        return env
    }

    func testVonageUserWithMoreNumbersThanAPageLosesNone() throws {
        let env = vonageProfile()
        XCTAssertEqual(InProcess.run(["callback-numbers", "list", "--user", "agent-30", "-q"], env: env).stdout.split(separator: "\n").count, 25, "first page, default size 25")
        let all = InProcess.run(["callback-numbers", "list", "--user", "agent-30", "--all", "-q"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(all.count, 30)
        let add = InProcess.run(["callback-numbers", "add", "agent-30", "cbn-050"], env: env)
        XCTAssertEqual(add.code, 0, add.stderr)
        let after = InProcess.run(["callback-numbers", "list", "--user", "agent-30", "--all", "-q"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(after, all + ["cbn-050"], "all 30 kept, one added")
        let again = InProcess.run(["callback-numbers", "add", "agent-30", "cbn-050", "-v"], env: env)
        XCTAssertEqual(again.code, 0)
        XCTAssertTrue(again.stderr.contains("already assigned"))
        XCTAssertFalse(again.stderr.contains("> PUT"), "a no-op writes nothing")
        let remove = InProcess.run(["callback-numbers", "remove", "agent-30", "cbn-001", "cbn-999", "--yes"], env: env)
        XCTAssertEqual(remove.code, 0, remove.stderr)
        XCTAssertTrue(remove.stderr.contains("cbn-999 is not assigned"))
        let final = InProcess.run(["callback-numbers", "list", "--user", "agent-30", "--all", "-q", "--page-size", "7"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(final, Array(all.dropFirst()) + ["cbn-050"])
        XCTAssertEqual(InProcess.run(["callback-numbers", "set", "agent-2", "cbn-010", "--yes"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["callback-numbers", "list", "--user", "agent-2", "-q"], env: env).stdout, "cbn-010\n")
        XCTAssertEqual(InProcess.run(["callback-numbers", "list", "--page-size", "5001"], env: env).code, 2)
        XCTAssertEqual(InProcess.run(["callback-numbers", "list", "--user", "nobody"], env: env).code, 4)
    }

    func testVonageTokensAreCachedPrivatelyAndRenewed() throws {
        let env = vonageProfile()
        let credentials = env["HOME"]! + "/.config/pbxctl/credentials"
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let first = try String(contentsOfFile: credentials, encoding: .utf8)
        XCTAssertTrue(first.contains("users_read_token = "))
        let cached = InProcess.run(["callback-numbers", "list", "--limit", "1", "-v"], env: env)
        XCTAssertFalse(cached.stderr.contains("grant_type"), "the cached token is used: \(cached.stderr)")
        XCTAssertTrue(cached.stderr.contains("Accept: application/vnd.newvoicemedia.v4+json"))
        XCTAssertFalse(cached.stderr.contains("sandbox-secret"))
        InProcess.clock.advance(by: 4.5)
        let renewed = InProcess.run(["callback-numbers", "list", "--limit", "1", "-v"], env: env)
        XCTAssertEqual(renewed.code, 0, renewed.stderr)
        XCTAssertTrue(renewed.stderr.contains("grant_type=client_credentials"), "an expired token is fetched again")
        XCTAssertNotEqual(try String(contentsOfFile: credentials, encoding: .utf8), first)
        let wrong = InProcess.run(["callback-numbers", "list"], env: InProcess.environment(home: InProcess.temporaryDirectory(), extra: [
            "PBXCTL_VONAGE_URL": Self.plain.baseURL + "/vonage/useradmin", "PBXCTL_VONAGE_TOKEN_URL": Self.plain.baseURL + "/vonage/Auth/connect/token",
            "PBXCTL_VONAGE_CLIENT_ID": "sandbox-client", "PBXCTL_VONAGE_CLIENT_SECRET": "wrong"]))
        XCTAssertEqual(wrong.code, 3, wrong.stderr)
    }

    func testCommPeakUsersGet() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        XCTAssertEqual(InProcess.run(["config", "set", "dialer", "--type", "commpeak", "--url", Self.plain.baseURL + "/commpeak", "username=apiuser"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["login", "-p", "dialer", "--password-stdin"], env: env, stdin: "sandbox\n").code, 0)
        let table = InProcess.run(["users", "get", "7", "-p", "dialer"], env: env)
        XCTAssertEqual(table.code, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("registration_password  ***"), table.stdout)
        XCTAssertFalse(table.stdout.contains("Reg-7"))
        let object = try XCTUnwrap(InProcess.json(InProcess.run(["users", "get", "7", "-o", "json", "--show-secrets"], env: env).stdout) as? [String: Any])
        XCTAssertEqual(object["username"] as? String, "agent7", "the array is unwrapped; the only backend configured is CommPeak")
        XCTAssertEqual(object["registration_password"] as? String, "Reg-7-s3cret")
        XCTAssertEqual(InProcess.run(["users", "get", "999", "-p", "dialer"], env: env).code, 4)
        InProcess.run(["config", "set", "bad", "--type", "commpeak", "--url", Self.plain.baseURL + "/commpeak", "username=apiuser", "password=nope"], env: env)
        XCTAssertEqual(InProcess.run(["users", "get", "7", "-p", "bad"], env: env).code, 3)
        let dry = InProcess.run(["users", "get", "7", "-p", "dialer", "--dry-run"], env: env)
        XCTAssertTrue(dry.stdout.contains("$PBXCTL_COMMPEAK_BASIC"), dry.stdout)
        XCTAssertFalse(dry.stdout.contains("YXBpdXNlcjpzYW5kYm94"), "the Basic credentials never appear")
    }
}
