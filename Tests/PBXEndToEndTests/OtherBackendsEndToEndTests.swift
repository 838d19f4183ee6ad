import Foundation
import XCTest

/// Rocket.Chat registration, Vonage callback numbers and CommPeak users, against
/// sandboxes that behave as the real servers do.
final class OtherBackendsEndToEndTests: XCTestCase {
    static var plain: SandboxProcess!
    static var signed: SandboxProcess!

    override class func setUp() {
        super.setUp()
        plain = try! SandboxProcess(arguments: ["--token-ttl", "4"])
        signed = try! SandboxProcess(arguments: ["--signed-registration"])
    }

    override class func tearDown() {
        plain.stop()
        signed.stop()
        super.tearDown()
    }

    func rocketEnv(_ sandbox: SandboxProcess, token: String = "sandbox-rocketchat-token", secret: String? = nil) -> [String: String] {
        var extra = ["PBXCTL_ROCKETCHAT_URL": sandbox.baseURL + "/rocketchat", "PBXCTL_ROCKETCHAT_USER_ID": "rbAXPnMktTFbNpwtJ", "PBXCTL_ROCKETCHAT_AUTH_TOKEN": token]
        if let secret { extra["PBXCTL_ROCKETCHAT_JWT_SECRET"] = secret }
        return PBX.environment(home: sandbox.home, extra: extra)
    }

    func testRocketChatPlainAnswerMasksThePassword() throws {
        let env = rocketEnv(Self.plain)
        let table = PBX.run(["registration", "get"], env: env)
        XCTAssertEqual(table.code, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("extensionDetails.extension      1001"), table.stdout)
        XCTAssertTrue(table.stdout.contains("extensionDetails.password       ***"))
        XCTAssertFalse(table.stdout.contains("P@ssw0rd"))
        let json = PBX.run(["registration", "get", "-o", "json"], env: env)
        XCTAssertFalse(json.stdout.contains("P@ssw0rd"), "JSON masks it too without --show-secrets")
        let shown = try XCTUnwrap(PBX.json(PBX.run(["registration", "get", "-o", "json", "--show-secrets"], env: env).stdout) as? [String: Any])
        XCTAssertEqual((shown["extensionDetails"] as? [String: Any])?["password"] as? String, "my$up3erP@ssw0rd")
        XCTAssertEqual((shown["callServerConfig"] as? [String: Any])?["websocketPort"] as? String, "443")
        let traced = PBX.run(["registration", "get", "-v"], env: env)
        XCTAssertTrue(traced.stderr.contains("> GET \(Self.plain.baseURL)/rocketchat/api/v1/connector.extension.getRegistrationInfoByUserId?id=rbAXPnMktTFbNpwtJ"), "id in the query string: \(traced.stderr)")
        XCTAssertFalse(traced.stderr.contains("sandbox-rocketchat-token"))
        XCTAssertFalse(traced.stderr.contains("P@ssw0rd"), "-v redacts response secrets")
    }

    func testRocketChatErrorPaths() {
        let env = rocketEnv(Self.plain)
        let other = PBX.run(["registration", "get", "someoneElse"], env: env)
        XCTAssertEqual(other.code, 3)
        XCTAssertTrue(other.stderr.contains("answers only for the logged-in user"), other.stderr)
        let unauthorized = PBX.run(["registration", "get"], env: rocketEnv(Self.plain, token: "wrong"))
        XCTAssertEqual(unauthorized.code, 3)
        XCTAssertTrue(unauthorized.stderr.contains("You must be logged in to do this."), unauthorized.stderr)
        let missingID = PBX.run(["api", "-p", "x", "/connector.extension.getRegistrationInfoByUserId"], env: env)
        XCTAssertEqual(missingID.code, 2, "no profile x")
        let home = PBX.temporaryDirectory()
        let profileEnv = PBX.environment(home: home)
        PBX.run(["config", "set", "chat", "--type", "rocketchat", "--url", Self.plain.baseURL + "/rocketchat", "username=noext"], env: profileEnv)
        XCTAssertEqual(PBX.run(["login", "-p", "chat", "--password-stdin"], env: profileEnv, stdin: "sandbox\n").code, 0)
        let noExtension = PBX.run(["registration", "get", "-p", "chat"], env: profileEnv)
        XCTAssertEqual(noExtension.code, 4)
        XCTAssertTrue(noExtension.stderr.contains("Extension not found"), noExtension.stderr)
        let matchError = PBX.run(["api", "-p", "chat", "/connector.extension.getRegistrationInfoByUserId"], env: profileEnv)
        XCTAssertEqual(matchError.code, 1)
        XCTAssertTrue(matchError.stderr.contains("Match error: Missing key 'id'"), matchError.stderr)
    }

    func testRocketChatSignedAnswers() throws {
        let verified = PBX.run(["registration", "get", "-o", "json"], env: rocketEnv(Self.signed, secret: "sandbox-jwt-secret"))
        XCTAssertEqual(verified.code, 0, verified.stderr)
        let object = try XCTUnwrap(PBX.json(verified.stdout) as? [String: Any])
        XCTAssertEqual((object["extensionDetails"] as? [String: Any])?["extension"] as? String, "1001")
        XCTAssertEqual((object["extensionDetails"] as? [String: Any])?["password"] as? String, "***")
        XCTAssertFalse(verified.stderr.contains("not verified"))
        let tampered = PBX.run(["registration", "get"], env: rocketEnv(Self.signed, secret: "a-different-secret"))
        XCTAssertEqual(tampered.code, 1)
        XCTAssertTrue(tampered.stderr.contains("signature does not match"), tampered.stderr)
        XCTAssertEqual(tampered.stdout, "", "nothing printed from an untrusted answer")
        let unverified = PBX.run(["registration", "get"], env: rocketEnv(Self.signed))
        XCTAssertEqual(unverified.code, 0)
        XCTAssertTrue(unverified.stderr.contains("not verified"))
    }

    func vonageProfile() -> [String: String] {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        let base = Self.plain.baseURL + "/vonage"
        XCTAssertEqual(PBX.run(["config", "set", "vcc", "--type", "vonage", "--url", base + "/useradmin", "token_url=\(base)/Auth/connect/token", "client_id=sandbox-client"], env: env).code, 0)
        let login = PBX.run(["login", "-p", "vcc", "--password-stdin"], env: env, stdin: "sandbox-secret\n")
        XCTAssertEqual(login.code, 0, login.stderr)
        return env
    }

    func testVonageUserWithMoreNumbersThanAPageLosesNone() throws {
        let env = vonageProfile()
        XCTAssertEqual(PBX.run(["callback-numbers", "list", "--user", "agent-30", "-q"], env: env).stdout.split(separator: "\n").count, 25, "first page, default size 25")
        let all = PBX.run(["callback-numbers", "list", "--user", "agent-30", "--all", "-q"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(all.count, 30)
        let add = PBX.run(["callback-numbers", "add", "agent-30", "cbn-050"], env: env)
        XCTAssertEqual(add.code, 0, add.stderr)
        let after = PBX.run(["callback-numbers", "list", "--user", "agent-30", "--all", "-q"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(after, all + ["cbn-050"], "all 30 kept, one added")
        let again = PBX.run(["callback-numbers", "add", "agent-30", "cbn-050", "-v"], env: env)
        XCTAssertEqual(again.code, 0)
        XCTAssertTrue(again.stderr.contains("already assigned"))
        XCTAssertFalse(again.stderr.contains("> PUT"), "a no-op writes nothing")
        let remove = PBX.run(["callback-numbers", "remove", "agent-30", "cbn-001", "cbn-999", "--yes"], env: env)
        XCTAssertEqual(remove.code, 0, remove.stderr)
        XCTAssertTrue(remove.stderr.contains("cbn-999 is not assigned"))
        let final = PBX.run(["callback-numbers", "list", "--user", "agent-30", "--all", "-q", "--page-size", "7"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(final, Array(all.dropFirst()) + ["cbn-050"])
        XCTAssertEqual(PBX.run(["callback-numbers", "set", "agent-2", "cbn-010", "--yes"], env: env).code, 0)
        XCTAssertEqual(PBX.run(["callback-numbers", "list", "--user", "agent-2", "-q"], env: env).stdout, "cbn-010\n")
        XCTAssertEqual(PBX.run(["callback-numbers", "list", "--page-size", "5001"], env: env).code, 2)
        XCTAssertEqual(PBX.run(["callback-numbers", "list", "--user", "nobody"], env: env).code, 4)
    }

    func testVonageTokensAreCachedPrivatelyAndRenewed() throws {
        let env = vonageProfile()
        let credentials = env["HOME"]! + "/.config/pbxctl/credentials"
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let first = try String(contentsOfFile: credentials, encoding: .utf8)
        XCTAssertTrue(first.contains("users_read_token = "))
        let cached = PBX.run(["callback-numbers", "list", "--limit", "1", "-v"], env: env)
        XCTAssertFalse(cached.stderr.contains("grant_type"), "the cached token is used: \(cached.stderr)")
        XCTAssertTrue(cached.stderr.contains("Accept: application/vnd.newvoicemedia.v4+json"))
        XCTAssertFalse(cached.stderr.contains("sandbox-secret"))
        Thread.sleep(forTimeInterval: 4.5)
        let renewed = PBX.run(["callback-numbers", "list", "--limit", "1", "-v"], env: env)
        XCTAssertEqual(renewed.code, 0, renewed.stderr)
        XCTAssertTrue(renewed.stderr.contains("grant_type=client_credentials"), "an expired token is fetched again")
        XCTAssertNotEqual(try String(contentsOfFile: credentials, encoding: .utf8), first)
        let wrong = PBX.run(["callback-numbers", "list"], env: PBX.environment(home: PBX.temporaryDirectory(), extra: [
            "PBXCTL_VONAGE_URL": Self.plain.baseURL + "/vonage/useradmin", "PBXCTL_VONAGE_TOKEN_URL": Self.plain.baseURL + "/vonage/Auth/connect/token",
            "PBXCTL_VONAGE_CLIENT_ID": "sandbox-client", "PBXCTL_VONAGE_CLIENT_SECRET": "wrong"]))
        XCTAssertEqual(wrong.code, 3, wrong.stderr)
    }

    func testCommPeakUsersGet() throws {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        XCTAssertEqual(PBX.run(["config", "set", "dialer", "--type", "commpeak", "--url", Self.plain.baseURL + "/commpeak", "username=apiuser"], env: env).code, 0)
        XCTAssertEqual(PBX.run(["login", "-p", "dialer", "--password-stdin"], env: env, stdin: "sandbox\n").code, 0)
        let table = PBX.run(["users", "get", "7", "-p", "dialer"], env: env)
        XCTAssertEqual(table.code, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("registration_password  ***"), table.stdout)
        XCTAssertFalse(table.stdout.contains("Reg-7"))
        let object = try XCTUnwrap(PBX.json(PBX.run(["users", "get", "7", "-o", "json", "--show-secrets"], env: env).stdout) as? [String: Any])
        XCTAssertEqual(object["username"] as? String, "agent7", "the array is unwrapped; the only backend configured is CommPeak")
        XCTAssertEqual(object["registration_password"] as? String, "Reg-7-s3cret")
        XCTAssertEqual(PBX.run(["users", "get", "999", "-p", "dialer"], env: env).code, 4)
        PBX.run(["config", "set", "bad", "--type", "commpeak", "--url", Self.plain.baseURL + "/commpeak", "username=apiuser", "password=nope"], env: env)
        XCTAssertEqual(PBX.run(["users", "get", "7", "-p", "bad"], env: env).code, 3)
        let dry = PBX.run(["users", "get", "7", "-p", "dialer", "--dry-run"], env: env)
        XCTAssertTrue(dry.stdout.contains("$PBXCTL_COMMPEAK_BASIC"), dry.stdout)
        XCTAssertFalse(dry.stdout.contains("YXBpdXNlcjpzYW5kYm94"), "the Basic credentials never appear")
    }
}
