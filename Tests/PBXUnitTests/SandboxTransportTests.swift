import Foundation
import XCTest
import PBXCLI
@testable import PBXEngine
import PBXClient
import PBXJSON
import PBXSandbox

/// The in-process transport: the sandbox's own handler, no socket, the socket's
/// failures reproduced.
final class SandboxTransportTests: XCTestCase {
    static let base = "http://127.0.0.1:18887"

    func sandbox(_ configure: (inout SandboxOptions) -> Void = { _ in }) -> Sandbox {
        var options = SandboxOptions()
        configure(&options)
        let sandbox = Sandbox(options: options)
        sandbox.attach(baseURL: Self.base)
        return sandbox
    }

    func testACommandRunsAgainstTheHandlerWithoutASocket() throws {
        let sandbox = sandbox()
        let out = StringSink(), err = StringSink()
        let env = ["HOME": "/nonexistent", "PBXCTL_URL": Self.base + "/portsip", "PBXCTL_TOKEN": SandboxCredentials.portsipToken]
        let code = PBXCLI.run(["users", "list", "--limit", "3", "-q"], io: IOContext(stdout: out, stderr: err, environment: env),
                              transport: SandboxTransport.factory(sandbox))
        XCTAssertEqual(code, 0, err.text)
        XCTAssertEqual(out.text.split(separator: "\n").count, 3)
        XCTAssertEqual(sandbox.port, 0, "nothing listens")
        XCTAssertEqual(sandbox.requestTargets.count, 1)
        XCTAssertTrue(sandbox.requestTargets[0].hasPrefix("GET /portsip/api/users?"), sandbox.requestTargets[0])
        let stats = try JSONParser.parse(sandbox.respond(to: ServerRequest(method: "GET", target: "/_sandbox/stats", headers: [], body: [])).body)
        XCTAssertEqual(stats["answer_violations"], .array([]), "answers are checked against the vendor document as over the socket")
    }

    func testTheWiresFramingHeadersAreShown() throws {
        let transport = SandboxTransport(sandbox: sandbox())
        let answer = try transport.send(HTTPRequest(method: "GET", url: Self.base + "/portsip/api/users?top=1", headers: [("Authorization", "Bearer " + SandboxCredentials.portsipToken)]))
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.header("Content-Length"), String(answer.body.count))
        XCTAssertEqual(answer.header("Connection"), "keep-alive")
    }

    func testADroppedAnswerIsABrokenConnectionAndAnotherOriginIsRefused() {
        let transport = SandboxTransport(sandbox: sandbox { $0.dropRate = 1 })
        let request = HTTPRequest(method: "GET", url: Self.base + "/portsip/api/users", headers: [("Authorization", "Bearer " + SandboxCredentials.portsipToken)])
        XCTAssertThrowsError(try transport.send(request)) { error in
            guard case .broken(let message)? = error as? TransportError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("127.0.0.1:18887"), message)
        }
        var streamed = 0
        XCTAssertThrowsError(try transport.stream(request) { streamed += $0.count; return true })
        XCTAssertGreaterThan(streamed, 0, "half the answer arrived before the drop")
        for url in ["http://127.0.0.1:9/portsip/api/users", Self.base + "9/portsip/api/users"] {
            XCTAssertThrowsError(try transport.send(HTTPRequest(method: "GET", url: url))) { error in
                XCTAssertTrue((error as? TransportError)?.requestNeverSent == true, "\(url): \(error)")
            }
        }
    }

    func testTheBodyCeilingAndMaxTimeHoldWithoutASocket() {
        let clock = ManualClock()
        let request = HTTPRequest(method: "GET", url: Self.base + "/portsip/api/users", headers: [("Authorization", "Bearer " + SandboxCredentials.portsipToken)])
        XCTAssertThrowsError(try SandboxTransport(sandbox: sandbox(), options: TransportOptions(maxBodyBytes: 10)).send(request)) { error in
            XCTAssertEqual(error as? TransportError, .bodyTooLarge(10))
        }
        let late = SandboxTransport(sandbox: sandbox(), options: TransportOptions(deadline: clock.now.addingTimeInterval(2)), clock: clock)
        XCTAssertNoThrow(try late.send(request))
        clock.advance(by: 2)
        XCTAssertThrowsError(try late.send(request)) { error in
            guard case .deadline? = error as? TransportError else { return XCTFail("\(error)") }
        }
    }
}
