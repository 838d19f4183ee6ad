import Foundation
import XCTest
import PBXClient

/// A transport that answers only the requests a test registered (like gh's httpmock):
/// a request nothing was registered for fails the test, and so, at teardown, does a
/// registration no request used. Each registration answers once, in order.
final class StubTransport: Transport, @unchecked Sendable {
    struct Stub {
        let method: String
        let path: String
        let matches: (HTTPRequest) -> Bool
        let response: HTTPResponse
        let file: StaticString
        let line: UInt
        var used = false
    }

    private let lock = NSLock()
    private var stubs: [Stub] = []
    /// Requests that found no registration, as "METHOD path?query".
    private(set) var unexpected: [String] = []
    /// Every request served, as "METHOD path?query", in order.
    private(set) var served: [String] = []

    /// A stub whose expectations are checked when `testCase` ends.
    static func verified(by testCase: XCTestCase) -> StubTransport {
        let stub = StubTransport()
        testCase.addTeardownBlock { stub.verify() }
        return stub
    }

    /// Expects `method path`; `query` must then all be in the URL's query, and `body`
    /// (when given) must accept the request's body.
    func register(_ method: String, _ path: String, query: [String: String] = [:], body: ((String) -> Bool)? = nil,
                  status: Int = 200, json: String = "{}", headers: [(String, String)] = [],
                  file: StaticString = #filePath, line: UInt = #line) {
        let response = HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers.map { (name: $0.0, value: $0.1) }, body: Array(json.utf8))
        let matches: (HTTPRequest) -> Bool = { request in
            let items = URLComponents(string: request.url)?.queryItems ?? []
            let queryMatches = query.allSatisfy { key, value in items.contains { $0.name == key && $0.value == value } }
            return queryMatches && (body?(String(decoding: request.body ?? [], as: UTF8.self)) ?? true)
        }
        lock.withLock { stubs.append(Stub(method: method, path: path, matches: matches, response: response, file: file, line: line)) }
    }

    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let components = URLComponents(string: request.url)
        let path = components?.path ?? request.url
        let shown = request.method + " " + path + (components?.query.map { "?" + $0 } ?? "")
        return try lock.withLock {
            served.append(shown)
            guard let index = stubs.firstIndex(where: { !$0.used && $0.method == request.method && $0.path == path && $0.matches(request) }) else {
                unexpected.append(shown)
                throw TransportError.other("StubTransport: no registration for \(shown)")
            }
            stubs[index].used = true
            return stubs[index].response
        }
    }

    func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse {
        var response = try send(request)
        guard (200..<300).contains(response.status) else { return response }
        let accepted = response.body.withUnsafeBytes { consumer($0) }
        if !accepted { throw TransportError.consumerStopped }
        response.body = []
        return response
    }

    /// Registrations no request used.
    var unmet: [Stub] { lock.withLock { stubs.filter { !$0.used } } }

    func verify() {
        for stub in unmet { XCTFail("StubTransport: \(stub.method) \(stub.path) was registered but never requested", file: stub.file, line: stub.line) }
        for request in lock.withLock({ unexpected }) { XCTFail("StubTransport: unexpected request \(request)") }
    }
}
