import Foundation
import PBXClient
import PBXSandbox

/// Hands each request straight to a sandbox's handler, with no socket: what a test
/// runs commands through in-process. The sandbox answers exactly as over its port
/// (the same faults, counters and vendor-document checks), and what the socket would
/// add or break is reproduced here: the framing headers, a connection dropped halfway,
/// an answer never sent, the body ceiling and `--max-time`. A request for any other
/// origin is refused as by a port nothing listens on.
public final class SandboxTransport: Transport {
    let sandbox: Sandbox
    let options: TransportOptions
    let clock: Clock
    /// Chunk size for streamed answers, small enough that a list arrives in pieces.
    static let chunk = 16 << 10

    public init(sandbox: Sandbox, options: TransportOptions = TransportOptions(), clock: Clock = SystemClock()) {
        self.sandbox = sandbox
        self.options = options
        self.clock = clock
    }

    /// A factory for `PBXCLI.run(transport:)` serving every request from `sandbox`.
    public static func factory(_ sandbox: Sandbox, clock: Clock = SystemClock()) -> TransportFactory {
        { options in SandboxTransport(sandbox: sandbox, options: options, clock: clock) }
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let (response, keepAlive) = try exchange(request)
        if response.body.count > options.maxBodyBytes { throw TransportError.bodyTooLarge(options.maxBodyBytes) }
        if response.dropMidway { throw dropped(request, response) }
        return HTTPResponse(status: response.status, headers: Self.headers(response, keepAlive: keepAlive), body: Self.body(response))
    }

    public func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse {
        let (response, keepAlive) = try exchange(request)
        let body = Self.body(response)
        let arrived = response.dropMidway ? Array(body.prefix(body.count / 2)) : body
        let headers = Self.headers(response, keepAlive: keepAlive)
        guard (200..<300).contains(response.status) else {
            // An error answer is kept whole up to the 1 MiB ceiling, as libcurl's is.
            let kept = Array(arrived.prefix(min(options.maxBodyBytes, 1 << 20)))
            if response.dropMidway, kept.count == arrived.count { throw dropped(request, response) }
            return HTTPResponse(status: response.status, headers: headers, body: kept)
        }
        var offset = 0
        while offset < arrived.count {
            let end = min(offset + Self.chunk, arrived.count)
            let accepted = arrived[offset..<end].withUnsafeBytes { consumer($0) }
            if !accepted { throw TransportError.consumerStopped }
            offset = end
        }
        if response.dropMidway { throw dropped(request, response) }
        return HTTPResponse(status: response.status, headers: headers, body: [])
    }

    private func exchange(_ request: HTTPRequest) throws -> (ServerResponse, keepAlive: Bool) {
        if Interrupt.process.isRequested { throw TransportError.interrupted }
        let host = CurlTransport.hostPart(of: request.url)
        if let deadline = options.deadline, deadline.timeIntervalSince(clock.now) < 0.001 {
            throw TransportError.deadline("--max-time reached before \(request.method) \(host)")
        }
        let base = sandbox.baseURL
        let rest = request.url.hasPrefix(base) ? request.url.dropFirst(base.count) : nil
        guard let rest, rest.isEmpty || rest.first == "/" || rest.first == "?" else {
            throw TransportError.connect("could not connect to \(host): Couldn't connect to server")
        }
        var headers = request.headers.map { ($0.name, $0.value) }
        if request.method != "GET" { headers.append(("Content-Length", String(request.body?.count ?? 0))) }
        let target = rest.isEmpty ? "/" : String(rest)
        let response = sandbox.respond(to: ServerRequest(method: request.method, target: target, headers: headers, body: request.body ?? []))
        if response.closeWithoutAnswer { throw TransportError.broken("connection to \(host) broke: Empty reply from server") }
        return (response, request.header("Connection")?.lowercased() != "close")
    }

    private func dropped(_ request: HTTPRequest, _ response: ServerResponse) -> TransportError {
        let remaining = response.body.count - response.body.count / 2
        return .broken("connection to \(CurlTransport.hostPart(of: request.url)) broke: transfer closed with \(remaining) bytes remaining to read")
    }

    private static func headers(_ response: ServerResponse, keepAlive: Bool) -> [(name: String, value: String)] {
        HTTPServer.wireHeaders(response, keepAlive: keepAlive).map { (name: $0.0, value: $0.1) }
    }

    private static func body(_ response: ServerResponse) -> [UInt8] { response.status == 204 ? [] : response.body }
}
