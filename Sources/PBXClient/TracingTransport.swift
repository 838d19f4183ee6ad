import Foundation

/// `-v` as a transport: every request and its answer on stderr, as curl -v shows
/// them, with secrets redacted and control characters escaped.
public struct TracingTransport: Transport {
    private let inner: Transport
    private let clock: Clock
    private let stderr: @Sendable (String) -> Void

    public init(wrapping inner: Transport, clock: Clock, stderr: @escaping @Sendable (String) -> Void) {
        self.inner = inner
        self.clock = clock
        self.stderr = stderr
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let started = trace(request)
        let response = try inner.send(request)
        trace(response, since: started, request: request)
        return response
    }

    public func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse {
        let started = trace(request)
        let response = try inner.stream(request, consumer: consumer)
        trace(response, since: started, request: request)
        return response
    }

    private func trace(_ request: HTTPRequest) -> Date {
        var lines = ["> \(request.method) \(Redaction.url(request.url))"]
        for header in request.headers { lines.append("> \(header.name): \(Redaction.header(header.name, header.value))") }
        if let body = request.body, !body.isEmpty {
            lines.append("> " + Redaction.body(body, contentType: request.header("Content-Type")))
        }
        stderr(lines.map { TerminalText.escape($0) }.joined(separator: "\n") + "\n")
        return clock.now
    }

    private func trace(_ response: HTTPResponse, since started: Date, request: HTTPRequest) {
        let elapsed = Int(clock.now.timeIntervalSince(started) * 1000)
        var lines = ["< \(response.status) (\(elapsed) ms, \(response.body.count) bytes)"]
        for header in response.headers { lines.append("< \(header.name): \(Redaction.header(header.name, header.value))") }
        if !response.body.isEmpty {
            let shown = Redaction.body(Array(response.body.prefix(1 << 20)), contentType: response.header("Content-Type"))
            lines.append("< " + (shown.count > 2000 ? String(shown.prefix(2000)) + "…" : shown))
        }
        let text = Redaction.scrub(lines.joined(separator: "\n"), secrets: Redaction.secretValues(of: request))
        stderr(text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escape(String($0)) }.joined(separator: "\n") + "\n")
    }
}
