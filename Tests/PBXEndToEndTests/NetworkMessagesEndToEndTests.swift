import Foundation
import XCTest

/// Network failures a user can act on: how long was waited and how often, and an
/// https:// URL on a plain-HTTP port named as such.
final class NetworkMessagesEndToEndTests: XCTestCase {
    func testATimeoutSaysHowLongWasWaitedInAllAndHowManyAttempts() throws {
        let sandbox = try SandboxProcess(arguments: ["--latency", "3000"])
        defer { sandbox.stop() }
        let result = PBX.run(["users", "list", "--timeout", "0.5", "--retries", "1"], env: sandbox.env())
        XCTAssertEqual(result.code, 5, result.stderr)
        XCTAssertTrue(result.stderr.contains("timed out talking to"), result.stderr)
        let pattern = try NSRegularExpression(pattern: #"; waited [0-9]+\.[0-9] s in all over 2 attempts"#)
        XCTAssertNotNil(pattern.firstMatch(in: result.stderr, range: NSRange(result.stderr.startIndex..., in: result.stderr)), result.stderr)
    }

    func testHTTPSOnAPlainHTTPPortFailsAtOnceSayingSo() throws {
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let https = sandbox.baseURL.replacingOccurrences(of: "http://", with: "https://") + "/portsip"
        let started = Date()
        let result = PBX.run(["users", "list"], env: sandbox.env(["PBXCTL_URL": https]))
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "within the connect timeout, not after --timeout and retries")
        XCTAssertEqual(result.code, 5)
        XCTAssertTrue(result.stderr.contains("answered the TLS handshake in plain HTTP: use an http:// URL for this port"), result.stderr)
        XCTAssertEqual(try sandbox.stats().operations["listUsers"], nil, "nothing was served")
    }
}
