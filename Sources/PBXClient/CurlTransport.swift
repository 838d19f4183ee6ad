import CCurl
import Foundation

/// The transport pbxctl uses: the system libcurl, driven directly because
/// URLSession on Linux cannot trust a custom CA or skip verification. Easy handles are
/// pooled so that sequential and concurrent requests reuse kept-alive connections.
/// Sendable by `lock`, which guards the pool of handles.
public final class CurlTransport: Transport, @unchecked Sendable {
    private let options: TransportOptions
    private let lock = NSLock()
    /// Idle easy handles, each with the multi handle that drives it (and holds its
    /// kept-alive connections).
    private var idle: [Handle] = []

    struct Handle {
        let easy: UnsafeMutableRawPointer
        let multi: UnsafeMutableRawPointer?
    }

    // Option numbers from curl.h.
    private enum Option {
        static let url: Int32 = 10002
        static let httpHeader: Int32 = 10023
        static let postFields: Int32 = 10015
        static let postFieldSizeLarge: Int32 = 30120
        static let customRequest: Int32 = 10036
        static let httpGet: Int32 = 80
        static let post: Int32 = 47
        static let timeoutMS: Int32 = 155
        static let connectTimeoutMS: Int32 = 156
        static let sslVerifyPeer: Int32 = 64
        static let sslVerifyHost: Int32 = 81
        static let caInfo: Int32 = 10065
        static let tcpKeepAlive: Int32 = 213
        static let lowSpeedLimit: Int32 = 19
        static let lowSpeedTime: Int32 = 20
        static let followLocation: Int32 = 52
        static let protocols: Int32 = 181
        static let freshConnect: Int32 = 74
    }

    /// CURLPROTO_HTTP | CURLPROTO_HTTPS.
    private static let httpProtocols = 1 | 2

    /// What a real run sends with: `PBXCLI.run`'s default transport factory.
    public static let factory: @Sendable (TransportOptions) throws -> Transport = { try CurlTransport(options: $0) }

    public init(options: TransportOptions) throws {
        if let failure = pbx_curl_load() {
            throw TransportError.unavailable(String(cString: failure))
        }
        self.options = options
    }

    deinit {
        for handle in idle {
            pbx_curl_multi_cleanup(handle.multi)
            pbx_curl_easy_cleanup(handle.easy)
        }
    }

    public static var libraryVersion: String {
        guard pbx_curl_load() == nil else { return "" }
        return String(cString: pbx_curl_version())
    }

    private func acquire() throws -> Handle {
        lock.lock()
        let handle = idle.popLast()
        lock.unlock()
        if let handle {
            pbx_curl_easy_reset(handle.easy)
            return handle
        }
        guard let easy = pbx_curl_easy_init() else { throw TransportError.other("libcurl could not create a handle") }
        return Handle(easy: easy, multi: pbx_curl_multi_init())
    }

    private func release(_ handle: Handle) {
        lock.lock()
        idle.append(handle)
        lock.unlock()
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        try perform(request, stream: nil)
    }

    public func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse {
        let box = StreamBox(consumer: consumer, errorLimit: options.maxBodyBytes)
        var response = try perform(request, stream: box)
        if !box.isSuccess { response.body = box.errorBody }
        return response
    }

    /// Receives body bytes from C; decides on the first chunk whether the answer is a
    /// success to stream or an error to keep.
    final class StreamBox {
        let consumer: (UnsafeRawBufferPointer) -> Bool
        let errorLimit: Int
        var handle: UnsafeMutableRawPointer?
        var decided = false
        var isSuccess = false
        var errorBody: [UInt8] = []
        var errorTruncated = false

        init(consumer: @escaping (UnsafeRawBufferPointer) -> Bool, errorLimit: Int) {
            self.consumer = consumer
            self.errorLimit = errorLimit
        }

        func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
            if !decided {
                decided = true
                let status = handle.map { pbx_curl_response_code($0) } ?? 0
                isSuccess = (200..<300).contains(status)
            }
            if isSuccess { return consumer(bytes) }
            // An error answer is kept up to a ceiling; past it the transfer stops and the
            // start of the answer stands for the server's error.
            let room = min(errorLimit, 1 << 20) - errorBody.count
            errorBody.append(contentsOf: bytes.prefix(max(0, room)))
            if bytes.count > room {
                errorTruncated = true
                return false
            }
            return true
        }
    }

    private static let sinkFunction: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int) -> Int32 = { context, bytes, count in
        guard let context else { return 0 }
        let box = Unmanaged<StreamBox>.fromOpaque(context).takeUnretainedValue()
        return box.receive(UnsafeRawBufferPointer(start: bytes, count: count)) ? 1 : 0
    }

    private func perform(_ request: HTTPRequest, stream: StreamBox?) throws -> HTTPResponse {
        let pooled = try acquire()
        let handle = pooled.easy
        var headerList: UnsafeMutableRawPointer?
        defer {
            pbx_curl_slist_free_all(headerList)
            release(pooled)
        }
        pbx_curl_setopt_str(handle, Option.url, request.url)
        // A URL a server handed back must not make libcurl read local files or speak
        // another protocol, and a redirect must not carry the request elsewhere.
        pbx_curl_setopt_long(handle, Option.protocols, Self.httpProtocols)
        pbx_curl_setopt_long(handle, Option.followLocation, 0)
        // libcurl silently sends a request again when the kept-alive connection it reused
        // turns out dead, though the server may have done the work before it died. For a
        // request that is not safe to repeat, that would be a second create: it goes on
        // a fresh connection, whose failure libcurl reports instead of retrying.
        if !request.idempotent { pbx_curl_setopt_long(handle, Option.freshConnect, 1) }
        // What is left of --max-time, if set: no request runs past the command's deadline.
        let remainingMS = options.deadline.map { Int(max(0, $0.timeIntervalSinceNow) * 1000) }
        if let remainingMS, remainingMS < 1 { throw TransportError.deadline("--max-time reached before \(request.method) \(Self.hostPart(of: request.url))") }
        if stream != nil {
            // Long answers may take longer than --timeout in all; what must not happen
            // is --timeout seconds without a byte.
            pbx_curl_setopt_long(handle, Option.lowSpeedLimit, 1)
            pbx_curl_setopt_long(handle, Option.lowSpeedTime, max(1, Int(options.timeout.rounded(.up))))
            if let remainingMS { pbx_curl_setopt_long(handle, Option.timeoutMS, remainingMS) }
        } else {
            pbx_curl_setopt_long(handle, Option.timeoutMS, min(Int(options.timeout * 1000), remainingMS ?? Int.max))
        }
        pbx_curl_setopt_long(handle, Option.connectTimeoutMS, Int(min(options.timeout, 15) * 1000))
        pbx_curl_setopt_long(handle, Option.tcpKeepAlive, 1)
        if options.insecure {
            pbx_curl_setopt_long(handle, Option.sslVerifyPeer, 0)
            pbx_curl_setopt_long(handle, Option.sslVerifyHost, 0)
        }
        if let caCertFile = options.caCertFile {
            pbx_curl_setopt_str(handle, Option.caInfo, caCertFile)
        }
        // "Expect:" stops libcurl from waiting for a 100-continue on larger bodies.
        for header in request.headers {
            headerList = pbx_curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        headerList = pbx_curl_slist_append(headerList, "Expect:")
        pbx_curl_setopt_ptr(handle, Option.httpHeader, headerList)

        let bodyBytes = request.body ?? []
        return try bodyBytes.withUnsafeBufferPointer { bodyPointer in
            switch request.method {
            case "GET":
                pbx_curl_setopt_long(handle, Option.httpGet, 1)
            case "POST":
                pbx_curl_setopt_long(handle, Option.post, 1)
            default:
                pbx_curl_setopt_str(handle, Option.customRequest, request.method)
            }
            if request.method != "GET" {
                pbx_curl_setopt_off(handle, Option.postFieldSizeLarge, Int64(bodyBytes.count))
                pbx_curl_setopt_ptr(handle, Option.postFields, bodyPointer.baseAddress ?? UnsafePointer(bitPattern: 1))
            }
            var body = pbx_buffer(data: nil, length: 0, capacity: 0, limit: options.maxBodyBytes, fd: -1, overflowed: 0, sink: nil, context: nil)
            var headers = pbx_buffer(data: nil, length: 0, capacity: 0, limit: 1 << 20, fd: -1, overflowed: 0, sink: nil, context: nil)
            if let stream {
                stream.handle = handle
                body.sink = Self.sinkFunction
                body.context = Unmanaged.passUnretained(stream).toOpaque()
            }
            defer {
                pbx_buffer_free(&body)
                pbx_buffer_free(&headers)
            }
            var errorBuffer = [CChar](repeating: 0, count: 256)
            let code = pbx_curl_perform(handle, pooled.multi, &body, &headers, &errorBuffer)
            if code != 0, !(code == 23 && stream?.errorTruncated == true) {
                if body.overflowed != 0 { throw TransportError.bodyTooLarge(options.maxBodyBytes) }
                if code == 23, let stream, stream.isSuccess { throw TransportError.consumerStopped }
                let detail = errorBuffer[0] != 0 ? String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : String(cString: pbx_curl_strerror(code))
                if code == 28, let deadline = options.deadline, deadline.timeIntervalSinceNow <= 0.05 {
                    throw TransportError.deadline("--max-time reached during \(request.method) \(Self.hostPart(of: request.url)): \(detail)")
                }
                // The TLS hello was answered in plain HTTP: an https:// URL on a plain-HTTP port.
                if code == 35, request.url.lowercased().hasPrefix("https://"), Self.plainHTTPAnswer(detail) {
                    throw TransportError.tlsMismatch("\(Self.hostPart(of: request.url)) answered the TLS handshake in plain HTTP: "
                        + "use an http:// URL for this port, or the server's TLS port (\(detail))")
                }
                throw Self.classify(code: code, detail: detail, url: request.url)
            }
            let status = pbx_curl_response_code(handle)
            let headerText = headers.data.map { String(decoding: UnsafeBufferPointer(start: $0, count: headers.length), as: UTF8.self) } ?? ""
            let bodyData = body.data.map { Array(UnsafeBufferPointer(start: $0, count: body.length)) } ?? []
            return HTTPResponse(status: Int(status), headers: Self.parseHeaders(headerText), body: bodyData)
        }
    }

    /// OpenSSL's and GnuTLS's words for a handshake answered by something that is not TLS.
    static func plainHTTPAnswer(_ detail: String) -> Bool {
        let lower = detail.lowercased()
        return ["wrong version number", "packet length too long", "unexpected eof", "record layer failure", "an unexpected tls packet", "unsupported record version"]
            .contains { lower.contains($0) }
    }

    static func classify(code: Int32, detail: String, url: String) -> TransportError {
        let host = hostPart(of: url)
        switch code {
        case 42: return .interrupted
        case 23: return .other("writing the answer failed: \(detail)")
        case 5, 6: return .dns("could not resolve \(host): \(detail)")
        case 7: return .connect("could not connect to \(host): \(detail)")
        case 28: return .timeout("timed out talking to \(host): \(detail)")
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91:
            return .tls("TLS error with \(host): \(detail) (use --cacert FILE to trust a private CA, or --insecure)")
        case 52, 55, 56, 18, 16, 92: return .broken("connection to \(host) broke: \(detail)")
        default: return .other("request to \(host) failed: \(detail)")
        }
    }

    /// The host and port for messages; a userinfo (`user:pw@`) never appears in one.
    public static func hostPart(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority)
    }

    /// libcurl reports every header block it saw (100 Continue, redirects); the last one is the answer's.
    static func parseHeaders(_ text: String) -> [(name: String, value: String)] {
        // Over bytes: this runs for every answer, and Character splitting and
        // Foundation's trimming were a visible share of a 100-page list.
        func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
            var slice = bytes
            while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
            while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
            return String(decoding: slice, as: UTF8.self)
        }
        var result: [(name: String, value: String)] = []
        for rawLine in Array(text.utf8).split(separator: 0x0A) {
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            if line.starts(with: "HTTP/".utf8) {
                result.removeAll()
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            result.append((trimmed(line[..<colon]), trimmed(line[(colon + 1)...])))
        }
        return result
    }
}
