import Foundation
import PBXJSON

/// All four backends on one loopback port, each under its own prefix.
public final class Sandbox: @unchecked Sendable {
    public let options: SandboxOptions
    let portsip: PortSIPSandbox
    private var server: HTTPServer!
    private let faultLock = NSLock()
    private var faults: SeededRandom
    private var windowStart = Date()
    private var windowCount = 0
    /// Requests served, by backend prefix; tests read it to prove what was (not) sent.
    public private(set) var requestCounts: [String: Int] = [:]

    public init(options: SandboxOptions = SandboxOptions()) {
        self.options = options
        portsip = PortSIPSandbox(options: options)
        faults = SeededRandom(seed: options.faultSeed)
    }

    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 0) throws -> UInt16 {
        server = HTTPServer(host: host, port: port) { [self] request in handle(request) }
        return try server.start()
    }

    public func stop() { server?.stop() }

    public var port: UInt16 { server?.port ?? 0 }
    public var baseURL: String { "http://\(server.host):\(port)" }

    func handle(_ request: ServerRequest) -> ServerResponse {
        if options.latencyMS > 0 { usleep(UInt32(options.latencyMS) * 1000) }
        let prefix = request.path.split(separator: "/").first.map(String.init) ?? ""
        if prefix == "_sandbox" { return control(request, path: String(request.path.dropFirst(prefix.count + 1))) }
        faultLock.lock()
        requestCounts[prefix, default: 0] += 1
        var injected: ServerResponse?
        var drop = false
        if options.rateLimit > 0 {
            let now = Date()
            if now.timeIntervalSince(windowStart) >= 1 {
                windowStart = now
                windowCount = 0
            }
            windowCount += 1
            if windowCount > options.rateLimit {
                injected = ServerResponse.json(429, ["errors": [["code": "TOO_MANY_REQUESTS", "message": "rate limit exceeded"]]])
                injected!.headers.append(("Retry-After", "1"))
            }
        }
        if injected == nil, options.failRate > 0, faults.unit() < options.failRate {
            injected = ServerResponse(status: 503, headers: [("Content-Type", "text/html")], body: Array("<html><body>503 Service Unavailable</body></html>".utf8))
        }
        if injected == nil, options.dropRate > 0, faults.unit() < options.dropRate { drop = true }
        faultLock.unlock()
        if let injected { return injected }

        let rest = String(request.path.dropFirst(prefix.count + 1))
        var response: ServerResponse
        switch prefix {
        case "portsip": response = portsip.handle(request, path: rest)
        default:
            response = .json(404, ["error": .string("unknown sandbox backend '\(prefix)'; use /portsip, /rocketchat, /vonage or /commpeak")])
        }
        if drop {
            // A drop after the server did the work: the client cannot know it happened.
            response.dropMidway = true
            if response.body.count < 2 { response.body = Array(#"{"padding":"......"}"#.utf8) }
        }
        return response
    }

    /// Test-only controls outside the four APIs: what was served, and simulated events.
    func control(_ request: ServerRequest, path: String) -> ServerResponse {
        portsip.lock.lock()
        defer { portsip.lock.unlock() }
        switch (request.method, path) {
        case ("GET", "/stats"):
            let operations = portsip.served.sorted { $0.key < $1.key }.map { ($0.key, JSON.int($0.value)) }
            return .json(200, ["portsip": .object(JSONObject(operations))])
        case ("POST", "/portsip/cdrs"):
            return .json(201, .object(portsip.simulateCall()))
        default:
            return .json(404, ["error": "unknown sandbox control"])
        }
    }

    /// What `pbxctl sandbox` prints: where each API is and what it accepts.
    public func banner() -> String {
        let base = baseURL
        return """
            pbxctl sandbox listening on \(base)

              portsip     url \(base)/portsip   user \(SandboxCredentials.portsipUsername)  password \(SandboxCredentials.portsipPassword)
                          or PBXCTL_URL=\(base)/portsip PBXCTL_TOKEN=\(SandboxCredentials.portsipToken)

            Seeded with \(options.users) users and the built-in roles. Ctrl-C stops it.

            """
    }
}
