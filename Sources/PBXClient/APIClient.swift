import Foundation
import PBXJSON

public struct ClientSettings: Sendable {
    public var retries: Int
    public var verbose: Bool
    public var dryRun: Bool
    /// Ceiling of one backoff sleep, seconds.
    public var backoffCap: Double
    public var backoffBase: Double
    /// A list answer streamed item by item may be at most this long in all, and one
    /// item at most `maxItemBytes`: memory stays bounded whatever the server sends.
    public var maxStreamedBytes = 512 << 20
    public var maxItemBytes = 32 << 20
    /// `--max-time`: no retry sleeps past it.
    public var deadline: Date?

    public init(retries: Int = 2, verbose: Bool = false, dryRun: Bool = false, backoffCap: Double = 20, backoffBase: Double = 0.25) {
        self.retries = retries
        self.verbose = verbose
        self.dryRun = dryRun
        self.backoffCap = backoffCap
        self.backoffBase = backoffBase
    }
}

public struct APIResponse: Sendable {
    public var status: Int
    public var json: JSON?
    public var raw: HTTPResponse
    /// True when `--dry-run` printed the request instead of sending it.
    public var dryRun: Bool
    /// The request this answers, kept so that the secrets it carried can be scrubbed
    /// from error text built from the answer; worked out only when there is an error.
    var request: HTTPRequest?
    public var sentSecrets: [String] { request.map(Redaction.secretValues) ?? [] }
}

/// Builds, sends, retries and decodes requests for one backend connection.
/// Sendable by `lock`, which guards the connection's auth (the only part that changes),
/// the refresher and the gate, and by `refreshLock`, which lets one worker at a time
/// refresh the credentials.
public final class APIClient: @unchecked Sendable {
    public var connection: Connection
    /// What requests go through: `wire` inside the `-v` and `--dry-run` decorators the
    /// settings ask for.
    public private(set) var transport: Transport
    /// The transport as given, undecorated.
    public let wire: Transport
    public let settings: ClientSettings
    /// Backoff sleeps, the `--max-time` check and elapsed times in messages read it.
    public let clock: Clock
    private let stderr: @Sendable (String) -> Void
    private let stdout: @Sendable (String) -> Void
    /// Called on a 401 when set, with the credentials the server refused; returns fresh
    /// ones or nil. Workers sharing this client share one call (see `freshAuth`).
    public var refreshAuth: ((AuthScheme) throws -> AuthScheme?)? {
        get { lock.withLock { refresher } }
        set { lock.withLock { refresher = newValue } }
    }
    private var refresher: ((AuthScheme) throws -> AuthScheme?)?
    /// When set, every attempt of every request waits for a slot here and reports its
    /// answer back (paging and import set it while their workers run).
    public var concurrency: AdaptiveConcurrency? {
        get { lock.withLock { gate } }
        set { lock.withLock { gate = newValue } }
    }
    private var gate: AdaptiveConcurrency?
    private let lock = NSLock()
    private let refreshLock = NSLock()
    private var refreshGaveUp = false
    private var refreshError: Error?

    public init(connection: Connection, transport: Transport, settings: ClientSettings, clock: Clock = SystemClock(),
                stdout: @escaping @Sendable (String) -> Void, stderr: @escaping @Sendable (String) -> Void) {
        self.connection = connection
        self.clock = clock
        self.transport = transport
        wire = transport
        self.settings = settings
        self.stdout = stdout
        self.stderr = stderr
        // Tracing sits on the wire; a dry run stands in front of everything and sends nothing.
        var decorated = transport
        if settings.verbose { decorated = TracingTransport(wrapping: decorated, clock: clock, stderr: stderr) }
        if settings.dryRun { decorated = DryRunTransport(credentials: { [weak self] in self?.dryRunCredentials() ?? [] }, stdout: stdout, stderr: stderr) }
        self.transport = decorated
    }

    public func url(path: String, query: [(String, String)] = []) -> String {
        var base = connection.baseURL
        if base.hasSuffix("/") { base.removeLast() }
        let joined = path.hasPrefix("/") ? base + path : base + "/" + path
        return query.isEmpty ? joined : joined + (joined.contains("?") ? "&" : "?") + queryString(query)
    }

    public func makeRequest(method: String, path: String, query: [(String, String)] = [], body: JSON? = nil, form: [(String, String)]? = nil, accept: String = "application/json") -> HTTPRequest {
        var request = HTTPRequest(method: method, url: url(path: path, query: query))
        request.headers.append(("Accept", accept))
        for header in connection.extraHeaders { request.setHeader(header.name, header.value) }
        lock.lock()
        let auth = connection.auth
        lock.unlock()
        for header in auth.headers { request.setHeader(header.name, header.value) }
        if let form {
            request.headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            request.body = Array(queryString(form).utf8)
        } else if let body {
            request.headers.append(("Content-Type", "application/json"))
            request.body = Array(body.compactText.utf8)
        }
        return request
    }

    /// Sends a JSON API request and decodes the answer; a non-2xx answer throws.
    @discardableResult
    public func call(_ method: String, _ path: String, query: [(String, String)] = [], body: JSON? = nil, form: [(String, String)]? = nil) throws -> APIResponse {
        let request = makeRequest(method: method, path: path, query: query, body: body, form: form)
        return try decode(send(request))
    }

    public func decode(_ response: APIResponse) throws -> APIResponse {
        do {
            return try decodeUnscrubbed(response)
        } catch var error as APIError {
            error.message = Redaction.scrub(error.message, secrets: response.sentSecrets)
            throw error
        }
    }

    private func decodeUnscrubbed(_ response: APIResponse) throws -> APIResponse {
        if response.dryRun { return response }
        var decoded = response
        let raw = response.raw
        guard (200..<300).contains(raw.status) else {
            throw APIError.fromResponse(status: raw.status, body: raw.body, backend: connection.backend)
        }
        let isEmpty = raw.body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if isEmpty {
            decoded.json = nil
            return decoded
        }
        do {
            decoded.json = try JSONParser.parse(raw.body)
        } catch {
            let type = raw.header("Content-Type") ?? "no content type"
            throw APIError(kind: .malformed, status: raw.status, code: "MALFORMED",
                           message: "the server's answer is not valid JSON (\(type), \(raw.body.count) bytes): \(APIError.excerpt(raw.body))",
                           backend: connection.backend)
        }
        return decoded
    }

    /// Sends with retries, one transparent re-authentication on 401, tracing and dry-run.
    public func send(_ original: HTTPRequest) throws -> APIResponse {
        try exchange(original, retryable: { true }) { [transport] request in try transport.send(request) }
    }

    /// Streams a 2xx answer's body into `fileDescriptor`. Each attempt starts the file
    /// over, so a retried request (401, refresh, again) never follows an earlier
    /// attempt's bytes; an error answer is kept in memory for its message and never
    /// written. Once bytes went to a descriptor that cannot start over (a pipe), the
    /// request is not retried. `what` names the destination in a write failure.
    public func download(_ original: HTTPRequest, to fileDescriptor: Int32, what: String = "the file") throws -> APIResponse {
        var written = 0
        var writeError: Int32 = 0
        // Only a regular file can start over: a device such as /dev/full seeks but
        // cannot be truncated, a pipe cannot even seek.
        var status = stat()
        let seekable = fstat(fileDescriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        do {
            return try exchange(original, retryable: { seekable || written == 0 }) { [transport] request in
                if seekable {
                    guard ftruncate(fileDescriptor, 0) == 0, lseek(fileDescriptor, 0, SEEK_SET) == 0 else {
                        throw TransportError.other("cannot start the file over: \(String(cString: strerror(errno)))")
                    }
                    written = 0
                }
                return try transport.stream(request) { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let count = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                        if count < 0 {
                            if errno == EINTR { continue }
                            writeError = errno
                            return false
                        }
                        offset += count
                    }
                    written += bytes.count
                    return true
                }
            }
        } catch let error as APIError where writeError != 0 {
            throw APIError(kind: .local, code: "WRITE_FAILED", message: "writing \(what) failed: \(String(cString: strerror(writeError)))", backend: error.backend)
        }
    }

    /// A GET whose list answer is parsed and handed over item by item while it
    /// arrives: memory holds one item however long the list. It is retried only while
    /// no item has been handed over, so nothing is printed twice.
    public func streamList(_ request: HTTPRequest, itemsKey: String = "items", onItem: @escaping (JSON) throws -> Void) throws -> (envelope: JSONObject, count: Int, dryRun: Bool) {
        try streamList(request) { StreamingListParser(itemsKey: itemsKey, maxValueBytes: $0, onItem: onItem) }
    }

    /// `streamList` handing over each item as its compact form, masked as `compactor`
    /// masks (see `StreamingListParser`'s compact mode): the bytes are valid during the call.
    public func streamCompactList(_ request: HTTPRequest, itemsKey: String = "items", compactor: JSONCompactor,
                                  onItem: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> (envelope: JSONObject, count: Int, dryRun: Bool)
    {
        try streamList(request) { StreamingListParser(itemsKey: itemsKey, maxValueBytes: $0, compactor: compactor, onCompactItem: onItem) }
    }

    private func streamList(_ request: HTTPRequest, makeParser: (_ maxItemBytes: Int) -> StreamingListParser) throws -> (envelope: JSONObject, count: Int, dryRun: Bool) {
        let (maxBytes, maxItem) = (settings.maxStreamedBytes, settings.maxItemBytes)
        var parser = makeParser(maxItem)
        var failure: Error?
        var received = 0
        let answer = try exchange(request, retryable: { parser.itemCount == 0 }) { [transport, connection] request in
            parser = makeParser(maxItem)
            failure = nil
            received = 0
            do {
                return try transport.stream(request) { bytes in
                    received += bytes.count
                    do {
                        guard received <= maxBytes else { throw TransportError.bodyTooLarge(maxBytes) }
                        try parser.feed(bytes)
                        return true
                    } catch {
                        failure = error
                        return false
                    }
                }
            } catch TransportError.consumerStopped {
                switch failure {
                case let tooLarge as StreamingListParser.ValueTooLarge:
                    throw APIError(kind: .malformed, code: "TOO_LARGE", message: "an item of the list is larger than \(tooLarge.limit) bytes (PBXCTL_MAX_BODY_MB sets the ceiling)", backend: connection.backend)
                case TransportError.bodyTooLarge(let limit)?:
                    throw APIError(kind: .malformed, code: "TOO_LARGE", message: "the list answer is larger than \(limit) bytes (PBXCTL_MAX_BODY_MB sets the ceiling)", backend: connection.backend)
                default:
                    throw failure ?? TransportError.consumerStopped
                }
            } catch let error as TransportError where parser.itemCount > 0 {
                throw TransportError.broken("\(error.message), after \(parser.itemCount) items were printed")
            }
        }
        if answer.dryRun { return (JSONObject(), 0, true) }
        guard (200..<300).contains(answer.raw.status) else {
            var error = APIError.fromResponse(status: answer.raw.status, body: answer.raw.body, backend: connection.backend)
            error.message = Redaction.scrub(error.message, secrets: answer.sentSecrets)
            throw error
        }
        do {
            try parser.finish()
        } catch let error as JSONParseError {
            throw APIError(kind: .malformed, status: answer.raw.status, code: "MALFORMED", message: "the list answer is not valid JSON: \(error.description)", backend: connection.backend)
        }
        return (parser.envelope, parser.itemCount, false)
    }

    func exchange(_ original: HTTPRequest, retryable: () -> Bool, perform: (HTTPRequest) throws -> HTTPResponse) throws -> APIResponse {
        var request = original
        try Self.checkSendable(request)
        var attempt = 0
        var refusals = 0
        var refreshed = false
        let began = clock.now
        while true {
            try Interrupt.process.check()
            do {
                let response = try gated(request, perform)
                if response.wasNotSent { return APIResponse(status: 0, json: nil, raw: HTTPResponse(status: 0), dryRun: true) }
                if response.status == 401, request.sendsCredentials, !refreshed, let fresh = try freshAuth(after: request) {
                    refreshed = true
                    for header in fresh.headers { request.setHeader(header.name, header.value) }
                    continue
                }
                // Under adaptive concurrency a 429 asks for fewer at once, which the gate
                // now sends: probing past a server's limit is refused by design, so the
                // refused request waits for a slot and goes again without spending a retry.
                if response.status == 429, concurrency != nil, refusals < Self.gatedRefusals, retryable() {
                    refusals += 1
                    let delay = Backoff.delay(attempt: min(refusals - 1, 4), base: settings.backoffBase, cap: settings.backoffCap,
                                              retryAfter: response.header("Retry-After"), now: clock.now)
                    note("\(request.method) refused with 429 while probing for more at once: again in \(String(format: "%.1f", delay))s (refusal \(refusals) of \(Self.gatedRefusals) let pass)")
                    try sleepInterruptibly(delay)
                    continue
                }
                if Self.isRetryableStatus(response.status), attempt < settings.retries,
                    request.idempotent || response.status == 429, retryable()
                {
                    let delay = Backoff.delay(attempt: attempt, base: settings.backoffBase, cap: settings.backoffCap,
                                              retryAfter: response.header("Retry-After"), now: clock.now)
                    note("retrying \(request.method) after \(response.status) in \(String(format: "%.1f", delay))s (attempt \(attempt + 2) of \(settings.retries + 1))")
                    attempt += 1
                    try sleepInterruptibly(delay)
                    continue
                }
                return APIResponse(status: response.status, json: nil, raw: response, dryRun: false, request: request)
            } catch let error as JSONParseError {
                throw APIError(kind: .malformed, code: "MALFORMED", message: "the list answer is not valid JSON: \(error.description)", backend: connection.backend)
            } catch let error as TransportError {
                if error == .interrupted || Interrupt.process.isRequested { throw APIError(kind: .interrupted, message: "interrupted") }
                let safe = request.idempotent || error.requestNeverSent
                if case .deadline = error {
                    throw APIError(kind: .transport, code: "MAX_TIME", message: error.message, backend: connection.backend)
                }
                var isMismatch = false
                if case .tlsMismatch = error { isMismatch = true }
                if safe, !isMismatch, attempt < settings.retries, retryable() {
                    let delay = Backoff.delay(attempt: attempt, base: settings.backoffBase, cap: settings.backoffCap, retryAfter: nil, now: clock.now)
                    note("retrying \(request.method) after a network error in \(String(format: "%.1f", delay))s: \(error.message)")
                    attempt += 1
                    try sleepInterruptibly(delay)
                    continue
                }
                if case .bodyTooLarge = error {
                    throw APIError(kind: .malformed, code: "TOO_LARGE", message: error.message, backend: connection.backend)
                }
                var message = error.message
                if case .timeout = error {
                    // Said in full: a user sees one error after several waits and retries.
                    let waited = String(format: "%.1f", clock.now.timeIntervalSince(began))
                    message += "; waited \(waited) s in all over \(attempt + 1) attempt\(attempt == 0 ? "" : "s")"
                }
                throw APIError(kind: .transport, code: "NETWORK", message: Redaction.scrub(message, secrets: Redaction.secretValues(of: request)), backend: connection.backend)
            }
        }
    }

    private func gated(_ request: HTTPRequest, _ perform: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        guard let gate = concurrency else { return try perform(request) }
        let ticket = try gate.acquire()
        do {
            let response = try perform(request)
            gate.release(ticket, status: response.status)
            return response
        } catch {
            gate.release(ticket, status: nil)
            throw error
        }
    }

    /// The credentials to replay a refused request with. Many workers can meet the same
    /// expired token at once; the first one refreshes (a refresh token is single-use),
    /// the others wait here and take its result, and a failed refresh is not tried again.
    private func freshAuth(after request: HTTPRequest) throws -> AuthScheme? {
        guard let refreshAuth else { return nil }
        refreshLock.lock()
        defer { refreshLock.unlock() }
        lock.lock()
        let current = connection.auth
        lock.unlock()
        let sent = current.headers.map { request.header($0.name) ?? "" }
        // A request sent without the credentials on purpose is never replayed with them.
        if sent.allSatisfy(\.isEmpty) { return nil }
        if current.headers.map(\.value) != sent { return current }
        if let refreshError { throw refreshError }
        if refreshGaveUp { return nil }
        do {
            guard let fresh = try refreshAuth(current) else {
                refreshGaveUp = true
                return nil
            }
            lock.lock()
            connection.auth = fresh
            lock.unlock()
            return fresh
        } catch {
            refreshError = error
            throw error
        }
    }

    /// libcurl passes header text through as given: a line break in a token or an `-H`
    /// value would add headers (or a whole request) of someone else's choosing.
    static func checkSendable(_ request: HTTPRequest) throws {
        for header in request.headers where header.name.containsControlCharacter || header.value.replacingOccurrences(of: "\t", with: " ").containsControlCharacter {
            throw APIError.usage("the \(header.name.containsControlCharacter ? "name of a" : header.name) header holds a control character (a line break or similar); nothing was sent")
        }
        if request.url.containsControlCharacter {
            throw APIError.usage("the request URL holds a control character (a line break or similar); nothing was sent")
        }
    }

    static func isRetryableStatus(_ status: Int) -> Bool { [429, 502, 503, 504].contains(status) }

    /// How many 429s a request under adaptive concurrency may meet before they count
    /// against `--retries`: enough for the level to settle, not a storm.
    public static let gatedRefusals = 8

    private func dryRunCredentials() -> [CurlCommand.Credential] {
        lock.lock()
        defer { lock.unlock() }
        return connection.auth.headers.map { CurlCommand.Credential(header: $0.name, value: $0.value, variable: connection.secretVariable) }
    }

    private func sleepInterruptibly(_ seconds: Double) throws {
        if let deadline = settings.deadline, clock.now.addingTimeInterval(seconds) >= deadline {
            throw APIError(kind: .transport, code: "MAX_TIME", message: "--max-time would pass before the next retry", backend: connection.backend)
        }
        try Interrupt.process.sleep(seconds, clock: clock)
    }

    private func note(_ text: String) {
        if settings.verbose { stderr("* \(text)\n") }
    }
}

/// Exponential backoff with full jitter, capped; `Retry-After` wins when present.
public enum Backoff {
    public static func delay(attempt: Int, base: Double, cap: Double, retryAfter: String?, now: Date, random: (Double) -> Double = { Double.random(in: 0...$0) }) -> Double {
        if let retryAfter, let seconds = parseRetryAfter(retryAfter, now: now) {
            return min(seconds, cap)
        }
        let ceiling = min(cap, base * pow(2, Double(attempt)))
        return random(ceiling)
    }

    /// `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Anything
    /// else, and a value that is not a finite non-negative number (`-1`, `inf`, `nan`,
    /// `1e400`), is treated as absent.
    public static func parseRetryAfter(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) { return seconds.isFinite && seconds >= 0 ? seconds : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
