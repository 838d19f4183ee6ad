import Foundation
import XCTest

/// With a Rocket.Chat `jwt_secret` configured, only a correctly signed, current
/// answer is trusted: an unsigned one, and a signed one that expired (a replay) or
/// is not valid yet, are refused with exit 1 and nothing printed.
final class SignedAnswersEndToEndTests: XCTestCase {
    func registration(_ sandboxArguments: [String], secret: String? = "sandbox-jwt-secret") throws -> InProcess.Result {
        let sandbox = try InProcessSandbox(arguments: sandboxArguments)
        defer { sandbox.stop() }
        var extra = ["PBXCTL_ROCKETCHAT_URL": sandbox.baseURL + "/rocketchat", "PBXCTL_ROCKETCHAT_USER_ID": "rbAXPnMktTFbNpwtJ",
                     "PBXCTL_ROCKETCHAT_AUTH_TOKEN": "sandbox-rocketchat-token"]
        if let secret { extra["PBXCTL_ROCKETCHAT_JWT_SECRET"] = secret }
        return InProcess.run(["registration", "get", "-o", "json"], env: InProcess.environment(home: sandbox.home, extra: extra))
    }

    func assertRefused(_ result: InProcess.Result, _ phrase: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.code, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(phrase), result.stderr, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "nothing printed from an untrusted answer", file: file, line: line)
    }

    func testCurrentSignedAnswerIsTrusted() throws {
        let result = try registration(["--signed-registration"])
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("\"extension\": \"1001\""), result.stdout)
    }

    func testUnsignedAnswerIsRefusedWhenASecretIsConfigured() throws {
        assertRefused(try registration([]), "the answer is not signed")
        assertRefused(try registration(["--rocketchat-answer", "result-object"]), "the answer is not signed")
        assertRefused(try registration(["--rocketchat-answer", "not-jws"]), "could not be decoded")
        let withoutSecret = try registration([], secret: nil)
        XCTAssertEqual(withoutSecret.code, 0, "no secret, nothing to verify: \(withoutSecret.stderr)")
    }

    func testExpiredSignedAnswerIsAReplay() throws {
        assertRefused(try registration(["--rocketchat-answer", "expired"]), "the signed answer expired")
    }

    func testSignedAnswerNotValidYetIsRefused() throws {
        assertRefused(try registration(["--rocketchat-answer", "early"]), "not valid before")
    }
}
