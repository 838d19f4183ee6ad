import Foundation

#if canImport(Glibc)
    import Glibc
    private let sockStream = Int32(SOCK_STREAM.rawValue)
#else
    import Darwin
    private let sockStream = SOCK_STREAM
#endif

public struct ServerRequest: Sendable {
    public var method: String
    /// The decoded path without the query string.
    public var path: String
    /// The request target exactly as it arrived (path and query, still encoded).
    public var target: String
    /// How many requests this connection carried before this one (0: a fresh connection).
    public var earlierOnConnection = 0
    public var query: [(String, String)]
    /// Lower-cased names.
    public var headers: [String: String]
    public var body: [UInt8]

    public func queryValue(_ name: String) -> String? { query.last(where: { $0.0 == name })?.1 }

    /// A request as the server reads one off the wire: the target split and decoded,
    /// header names lower-cased (a repeated header keeps its last value).
    public init(method: String, target: String, headers: [(String, String)], body: [UInt8], earlierOnConnection: Int = 0) {
        self.method = method
        self.target = target
        (path, query) = HTTPServer.splitTarget(target)
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value.trimmingCharacters(in: .whitespaces) }
        self.headers = lowered
        self.body = body
        self.earlierOnConnection = earlierOnConnection
    }
}

public struct ServerResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Fault injection: close the connection halfway through the body.
    public var dropMidway = false
    /// Fault injection: close the connection without a byte of answer, after the work was done.
    public var closeWithoutAnswer = false

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A small HTTP/1.1 server on the BSD socket API: one thread per connection,
/// keep-alive, Content-Length bodies, `Expect: 100-continue`.
/// Sendable by `lock`, which guards the listening socket and the open connections.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (ServerRequest) -> ServerResponse

    private let handler: Handler
    private var listener: Int32 = -1
    public private(set) var port: UInt16 = 0
    public let host: String
    private let lock = NSLock()
    private var stopped = false
    private var connections = Set<Int32>()

    public init(host: String = "127.0.0.1", port: UInt16 = 0, handler: @escaping Handler) {
        self.host = host
        self.port = port
        self.handler = handler
    }

    /// Binds and starts accepting on a background thread; returns the bound port.
    @discardableResult
    public func start() throws -> UInt16 {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, sockStream, 0)
        guard fd >= 0 else { throw SandboxError("socket() failed: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw SandboxError("'\(host)' is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SandboxError("cannot listen on \(host):\(port): \(reason)")
        }
        guard listen(fd, 512) == 0 else {
            close(fd)
            throw SandboxError("listen() failed: \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
        return port
    }

    public func stop() {
        lock.lock()
        stopped = true
        let open = connections
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done || errno == EBADF || errno == EINVAL { return }
                continue
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            connections.insert(client)
            lock.unlock()
            let thread = Thread { [self] in
                serve(client)
                lock.lock()
                connections.remove(client)
                lock.unlock()
                close(client)
            }
            thread.stackSize = 512 << 10
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16384)
        var chunk = [UInt8](repeating: 0, count: 65536)
        var served = 0
        func fill() -> Bool {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        while true {
            var headerEnd: Int?
            while headerEnd == nil {
                headerEnd = Self.find(Array("\r\n\r\n".utf8), in: buffer)
                if headerEnd == nil {
                    if buffer.count > 1 << 20 { return }
                    // A request starts with a method name; anything else (a TLS hello sent
                    // to this plain-HTTP port) is answered at once, as web servers do.
                    if let first = buffer.first, !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) {
                        write(fd, Self.serialize(ServerResponse(status: 400, body: Array("not an HTTP request".utf8)), keepAlive: false))
                        return
                    }
                    if !fill() { return }
                }
            }
            let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
            buffer.removeFirst(headerEnd! + 4)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            guard requestLine.count == 3 else {
                write(fd, Self.serialize(ServerResponse(status: 400, body: Array("bad request line".utf8)), keepAlive: false))
                return
            }
            var fields: [(String, String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            let headers = Dictionary(fields.map { ($0.0.lowercased(), $0.1.trimmingCharacters(in: .whitespaces)) }, uniquingKeysWith: { $1 })
            let length = Int(headers["content-length"] ?? "0") ?? 0
            if headers["expect"]?.lowercased() == "100-continue" {
                write(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                write(fd, Self.serialize(ServerResponse(status: 411, body: Array("send a Content-Length".utf8)), keepAlive: false))
                return
            }
            while buffer.count < length {
                if !fill() { return }
            }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            let request = ServerRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: fields, body: body, earlierOnConnection: served)
            served += 1
            let response = handler(request)
            if response.closeWithoutAnswer { return }
            let keepAlive = requestLine[2] == "HTTP/1.1" && headers["connection"]?.lowercased() != "close"
            let bytes = Self.serialize(response, keepAlive: keepAlive)
            if response.dropMidway {
                let headerBytes = bytes.count - response.body.count
                write(fd, Array(bytes[0..<(headerBytes + response.body.count / 2)]))
                return
            }
            if !write(fd, bytes) || !keepAlive { return }
        }
    }

    @discardableResult
    private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    static func splitTarget(_ target: String) -> (String, [(String, String)]) {
        guard let question = target.firstIndex(of: "?") else { return (decode(target, plus: false), []) }
        let path = decode(String(target[..<question]), plus: false)
        let query = target[target.index(after: question)...].split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(String(parts[0]), plus: true), parts.count > 1 ? decode(String(parts[1]), plus: true) : "")
        }
        return (path, query)
    }

    static func decode(_ text: String, plus: Bool) -> String {
        let spaced = plus ? text.replacingOccurrences(of: "+", with: " ") : text
        return spaced.removingPercentEncoding ?? spaced
    }

    static let reasons: [Int: String] = [
        200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
        404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 411: "Length Required", 429: "Too Many Requests",
        500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]

    /// The headers an answer goes out with: the handler's, then the framing ones the
    /// server adds; an in-process transport returns these too, so `-v` shows the same.
    public static func wireHeaders(_ response: ServerResponse, keepAlive: Bool) -> [(String, String)] {
        var headers = response.headers
        if response.status != 204 { headers.append(("Content-Length", String(response.body.count))) }
        headers.append(("Connection", keepAlive ? "keep-alive" : "close"))
        return headers
    }

    static func serialize(_ response: ServerResponse, keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(reasons[response.status] ?? "Status")\r\n"
        for (name, value) in wireHeaders(response, keepAlive: keepAlive) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (response.status == 204 ? [] : response.body)
    }
}

public struct SandboxError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
