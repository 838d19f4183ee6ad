import Foundation
import PBXJSON

/// All four backends on one loopback port, each under its own prefix.
/// Sendable by `faultLock`, which guards the fault injector, the counters and the
/// request log; `server` and the attached address are set before any request is served.
public final class Sandbox: @unchecked Sendable {
    public let options: SandboxOptions
    let portsip: PortSIPSandbox
    let rocketchat: RocketChatSandbox
    let vonage: VonageSandbox
    let commpeak = CommPeakSandbox()
    private var server: HTTPServer!
    /// Set by `attach`: the base URL clients use when no socket is listening.
    private var attachedBaseURL: String?
    private let faultLock = NSLock()
    private var faults: SeededRandom
    private var windowStart: Date
    private var windowCount = 0
    private var inFlight = 0
    /// Requests served, by backend prefix; tests read it to prove what was (not) sent.
    public private(set) var requestCounts: [String: Int] = [:]
    /// Faults injected so far, by kind (503, 429, drop), for tests to report.
    private var injectedFaults: [String: Int] = [:]
    /// The last request targets as they arrived, still encoded, and whether each came
    /// with credentials: tests assert what reached the wire.
    private var targets: [(target: String, credentials: Bool)] = []
    static let targetsKept = 10_000

    public init(options: SandboxOptions = SandboxOptions()) {
        self.options = options
        portsip = PortSIPSandbox(options: options)
        rocketchat = RocketChatSandbox(signed: options.rocketchatSigned, fault: options.rocketchatAnswer, newlineIDs: options.newlineTokens)
        vonage = VonageSandbox(options: options)
        faults = SeededRandom(seed: options.faultSeed)
        windowStart = options.now()
    }

    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 0) throws -> UInt16 {
        server = HTTPServer(host: host, port: port) { [self] request in handle(request) }
        let bound = try server.start()
        portsip.lock.lock()
        portsip.ownBaseURL = baseURL + "/portsip"
        portsip.lock.unlock()
        return bound
    }

    /// Serves without a socket: requests come through `respond(to:)`, and the sandbox
    /// names itself by `baseURL` in the URLs it hands out (recording file URLs).
    public func attach(baseURL: String) {
        attachedBaseURL = baseURL
        portsip.lock.lock()
        portsip.ownBaseURL = baseURL + "/portsip"
        portsip.lock.unlock()
    }

    public func stop() { server?.stop() }

    /// What the sandbox answers `request` with: exactly what its socket server would
    /// send (faults, counters and the vendor-document checks included), before framing.
    public func respond(to request: ServerRequest) -> ServerResponse { handle(request) }

    /// Requests that reached any backend (test-only controls excluded).
    public var totalRequests: Int {
        faultLock.lock()
        defer { faultLock.unlock() }
        return requestCounts.values.reduce(0, +)
    }

    /// The request targets received (method and target, oldest first), at most the last 10,000.
    public var requestTargets: [String] {
        faultLock.lock()
        defer { faultLock.unlock() }
        return targets.map(\.target)
    }

    public var port: UInt16 { server?.port ?? 0 }
    public var baseURL: String { attachedBaseURL ?? "http://\(server.host):\(port)" }

    func handle(_ request: ServerRequest) -> ServerResponse {
        let prefix = request.path.split(separator: "/").first.map(String.init) ?? ""
        if prefix == "_sandbox" { return control(request, path: String(request.path.dropFirst(prefix.count + 1))) }
        // Counted from arrival, so a request waiting out the latency is in flight too.
        faultLock.lock()
        inFlight += 1
        let crowded = options.maxInFlight > 0 && inFlight > options.maxInFlight
        faultLock.unlock()
        defer {
            faultLock.lock()
            inFlight -= 1
            faultLock.unlock()
        }
        // Each request waits on its own connection's thread, as behind a distant server:
        // requests sent together are delayed together.
        if options.latencyMS > 0 { usleep(UInt32(options.latencyMS) * 1000) }
        faultLock.lock()
        requestCounts[prefix, default: 0] += 1
        if targets.count >= Self.targetsKept { targets.removeFirst(targets.count / 2) }
        let credentials = ["authorization", "x-auth-token", "x-user-id"].contains { request.headers[$0] != nil }
        targets.append((request.method + " " + request.target, credentials))
        var injected: ServerResponse?
        var drop = false
        if options.rateLimit > 0 {
            let now = options.now()
            if now.timeIntervalSince(windowStart) >= 1 {
                windowStart = now
                windowCount = 0
            }
            windowCount += 1
            if windowCount > options.rateLimit {
                injected = ServerResponse.json(429, ["errors": [["code": "TOO_MANY_REQUESTS", "message": "rate limit exceeded"]]])
                injected!.headers.append(("Retry-After", "1"))
                injectedFaults["429", default: 0] += 1
            }
        }
        if injected == nil, crowded {
            injected = ServerResponse.json(429, ["errors": [["code": "TOO_MANY_REQUESTS", "message": "too many concurrent requests"]]])
            injectedFaults["429", default: 0] += 1
        }
        if injected == nil, options.failRate > 0, faults.unit() < options.failRate {
            injected = ServerResponse(status: 503, headers: [("Content-Type", "text/html")], body: Array("<html><body>503 Service Unavailable</body></html>".utf8))
            injectedFaults["503", default: 0] += 1
        }
        if injected == nil, options.dropRate > 0, faults.unit() < options.dropRate {
            drop = true
            injectedFaults["drop", default: 0] += 1
        }
        faultLock.unlock()
        if let injected { return injected }

        let rest = String(request.path.dropFirst(prefix.count + 1))
        var response: ServerResponse
        switch prefix {
        case "portsip": response = portsip.handle(request, path: rest)
        case "rocketchat": response = rocketchat.handle(request, path: rest)
        case "vonage": response = vonage.handle(request, path: rest)
        case "commpeak": response = commpeak.handle(request, path: rest)
        case "_broken": response = BrokenAnswers.response(rest)
        default:
            response = .json(404, ["error": .string("unknown sandbox backend '\(prefix)'; use /portsip, /rocketchat, /vonage or /commpeak")])
        }
        if options.hostile["drop-reused-post"] != nil, prefix == "portsip", request.method == "POST", request.earlierOnConnection > 0 {
            // The work is done, then a kept-alive connection dies before answering: what
            // a client library may silently "retry" on a new connection.
            response.closeWithoutAnswer = true
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
            faultLock.lock()
            let faults = injectedFaults.sorted { $0.key < $1.key }.map { ($0.key, JSON.int($0.value)) }
            faultLock.unlock()
            return .json(200, [
                "portsip": .object(JSONObject(operations)), "faults": .object(JSONObject(faults)),
                "answer_violations": .array(portsip.answerViolations.map(JSON.string)),
            ])
        case ("POST", "/portsip/expire-tokens"):
            // Lets a test expire every issued session at once instead of sleeping.
            for (token, session) in portsip.tokens { portsip.tokens[token] = (session.subject, Date.distantPast) }
            return .json(200, ["expired": .int(portsip.tokens.count)])
        case ("GET", "/requests"):
            faultLock.lock()
            let log = targets.map { JSON.object(JSONObject([("target", .string($0.target)), ("credentials", .bool($0.credentials))])) }
            faultLock.unlock()
            return .json(200, ["requests": .array(log)])
        case ("POST", "/portsip/cdrs"):
            return .json(201, .object(portsip.simulateCall()))
        case ("POST", "/portsip/registrations"):
            guard let number = request.queryValue("extension"), let registration = portsip.simulateRegistration(extensionNumber: number) else {
                return .json(404, ["error": "no such extension"])
            }
            return .json(201, .object(registration))
        case ("POST", "/rocketchat/state"):
            guard let state = request.queryValue("state"), !state.isEmpty else { return .json(400, ["error": "state=NAME is required"]) }
            rocketchat.setDeviceState(state)
            return .json(200, ["state": .string(state)])
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
              rocketchat  url \(base)/rocketchat   user \(SandboxCredentials.rocketchatUsername)  password \(SandboxCredentials.rocketchatPassword)   user_id \(SandboxCredentials.rocketchatUserId)
                          auth_token \(SandboxCredentials.rocketchatAuthToken)\(options.rocketchatSigned ? "   answers signed, jwt_secret \(SandboxCredentials.rocketchatJWTSecret)" : "")
              vonage      url \(base)/vonage/useradmin   token_url \(base)/vonage/Auth/connect/token
                          client_id \(SandboxCredentials.vonageClientId)  client_secret \(SandboxCredentials.vonageClientSecret)   users agent-30 (30 numbers), agent-2, agent-0
              commpeak    url \(base)/commpeak   username \(SandboxCredentials.commpeakUsername)  password \(SandboxCredentials.commpeakPassword)   users 1..50

            Seeded with \(options.users) users and the built-in roles. Ctrl-C stops it.

            """
    }
}
