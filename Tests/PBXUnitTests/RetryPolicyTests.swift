import Foundation
import XCTest
import PBXClient
import PBXJSON

/// The retry rules of docs/reliability.md, against a transport that fails on cue.
final class RetryPolicyTests: XCTestCase {
    final class ScriptedTransport: Transport, @unchecked Sendable {
        var outcomes: [Result<HTTPResponse, TransportError>]
        private(set) var sent: [String] = []
        init(_ outcomes: [Result<HTTPResponse, TransportError>]) { self.outcomes = outcomes }

        func send(_ request: HTTPRequest) throws -> HTTPResponse {
            sent.append(request.method)
            return try outcomes.removeFirst().get()
        }
        func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse { try send(request) }
    }

    func client(_ transport: ScriptedTransport) -> APIClient {
        APIClient(connection: Connection(backend: "portsip", baseURL: "http://pbx/api", auth: .bearer("t")), transport: transport,
                  settings: ClientSettings(retries: 3, backoffCap: 0.01, backoffBase: 0.001), stdout: { _ in }, stderr: { _ in })
    }

    let created = HTTPResponse(status: 201, body: Array(#"{"id":"u1"}"#.utf8))

    /// Connection refused: nothing reached the server, so even a create is sent again.
    func testCreateIsRetriedWhenItNeverLeft() throws {
        let transport = ScriptedTransport([.failure(.connect("refused")), .failure(.dns("no such host")), .success(created)])
        let answer = try client(transport).call("POST", "/users", body: ["name": "a"])
        XCTAssertEqual(answer.json?["id"], "u1")
        XCTAssertEqual(transport.sent, ["POST", "POST", "POST"])
    }

    /// The connection broke after sending: the server may have created it. Not repeated.
    func testCreateIsNotRetriedWhenItMayHaveArrived() {
        for failure in [TransportError.broken("reset"), .timeout("slow")] {
            let transport = ScriptedTransport([.failure(failure), .success(created)])
            XCTAssertThrowsError(try client(transport).call("POST", "/users", body: ["name": "a"])) { error in
                XCTAssertEqual((error as? APIError)?.exitCode, 5)
            }
            XCTAssertEqual(transport.sent, ["POST"])
        }
    }

    func testStatusRetries() throws {
        let unavailable = HTTPResponse(status: 503)
        let limited = HTTPResponse(status: 429, headers: [("Retry-After", "0")])
        let reads = ScriptedTransport([.success(unavailable), .success(HTTPResponse(status: 502)), .success(HTTPResponse(status: 200, body: Array("{}".utf8)))])
        XCTAssertNoThrow(try client(reads).call("GET", "/users"))
        XCTAssertEqual(reads.sent.count, 3)
        let post503 = ScriptedTransport([.success(unavailable), .success(created)])
        XCTAssertThrowsError(try client(post503).call("POST", "/users", body: [:]))
        XCTAssertEqual(post503.sent.count, 1, "a 503 POST may have been passed on; not repeated")
        let post429 = ScriptedTransport([.success(limited), .success(created)])
        XCTAssertNoThrow(try client(post429).call("POST", "/users", body: [:]))
        XCTAssertEqual(post429.sent.count, 2, "429 says it was not processed")
        let exhausted = ScriptedTransport(Array(repeating: .success(unavailable), count: 4))
        XCTAssertThrowsError(try client(exhausted).call("GET", "/users"))
        XCTAssertEqual(exhausted.sent.count, 4, "1 + --retries attempts")
    }

    func testOneRefreshOn401ThenGiveUp() throws {
        let transport = ScriptedTransport([.success(HTTPResponse(status: 401)), .success(HTTPResponse(status: 401))])
        let api = client(transport)
        var refreshes = 0
        api.refreshAuth = { _ in
            refreshes += 1
            return .bearer("fresh")
        }
        XCTAssertThrowsError(try api.call("GET", "/users")) { XCTAssertEqual(($0 as? APIError)?.exitCode, 3) }
        XCTAssertEqual(refreshes, 1)
        XCTAssertEqual(transport.sent.count, 2)
    }
}

/// Under adaptive concurrency a 429 is the server asking for fewer at once, which the
/// gate then sends: the refused request waits for a slot and goes again, without using
/// up `--retries`, so probing past a server's limit never fails a row.
final class GatedRefusalTests: XCTestCase {
    let limited = HTTPResponse(status: 429, headers: [("Retry-After", "0")])
    let created = HTTPResponse(status: 201, body: Array(#"{"id":"u1"}"#.utf8))

    func client(_ transport: RetryPolicyTests.ScriptedTransport, gated: Bool) -> APIClient {
        let client = APIClient(connection: Connection(backend: "portsip", baseURL: "http://pbx/api", auth: .bearer("t")), transport: transport,
                               settings: ClientSettings(retries: 2, backoffCap: 0.01, backoffBase: 0.001), clock: ManualClock(), stdout: { _ in }, stderr: { _ in })
        if gated { client.concurrency = AdaptiveConcurrency(initial: 4, maximum: 32) }
        return client
    }

    func testGatedRefusalsDoNotUseUpTheRetries() throws {
        let refusedFourTimes = RetryPolicyTests.ScriptedTransport(Array(repeating: .success(limited), count: 4) + [.success(created)])
        let answer = try client(refusedFourTimes, gated: true).call("POST", "/users", body: ["name": "a"])
        XCTAssertEqual(answer.json?["id"], "u1")
        XCTAssertEqual(refusedFourTimes.sent.count, 5)
    }

    func testUngatedRefusalsStillStopAfterTheRetries() {
        let refused = RetryPolicyTests.ScriptedTransport(Array(repeating: .success(limited), count: 4) + [.success(created)])
        XCTAssertThrowsError(try client(refused, gated: false).call("POST", "/users", body: ["name": "a"]))
        XCTAssertEqual(refused.sent.count, 3, "1 + --retries attempts")
    }

    func testAServerThatOnlyRefusesStillEnds() {
        let always = RetryPolicyTests.ScriptedTransport(Array(repeating: .success(limited), count: 100))
        XCTAssertThrowsError(try client(always, gated: true).call("POST", "/users", body: ["name": "a"]))
        XCTAssertEqual(always.sent.count, 1 + 2 + APIClient.gatedRefusals, "the retries, then a bounded number of refusals more")
    }
}
