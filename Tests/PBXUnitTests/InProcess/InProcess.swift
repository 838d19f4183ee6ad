import Foundation
import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXClient
import PBXSandbox

/// Runs pbxctl's commands in this process, as `PBX` (the end-to-end harness) runs the
/// binary: the same arguments, environment and stdin, the output captured. Requests go
/// straight to the handlers of the sandboxes started here (no socket), and time is a
/// manual clock shared by every command and sandbox, so a test lets a token expire by
/// advancing it instead of sleeping.
///
/// What cannot run here stays in PBXEndToEndTests: exit by signal, TLS, real shells and
/// terminals, the working folder, and several processes racing for files.
enum InProcess {
    static let clock = ManualClock()
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        let code: Int32
        let stdout: String
        let stderr: String
    }

    /// A private config folder, as `PBX.environment` gives the binary.
    static func environment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var env = ["HOME": home, "XDG_CONFIG_HOME": home + "/.config", "PBXCTL_BACKOFF_BASE_MS": "20"]
        for (key, value) in extra { env[key] = value }
        return env
    }

    @discardableResult
    static func run(_ arguments: [String], env: [String: String], stdin: String? = nil, clock: Clock = InProcess.clock) -> Result {
        let out = StringSink(), err = StringSink()
        let input = Array((stdin ?? "").utf8)
        let io = IOContext(stdout: out, stderr: err, environment: env, readStdin: { input })
        let code = PBXCLI.run(arguments, io: io, transport: Router.factory, clock: clock)
        return Result(code: code, stdout: out.text, stderr: err.text)
    }

    /// `InProcess.clock` with one event at a time after its creation: what a test would
    /// otherwise start on a timer and wait out (a phone registering during `--wait`)
    /// happens when a command's sleep moves the clock past that time.
    final class ScheduledClock: Clock, @unchecked Sendable {
        private let lock = NSLock()
        private let due: Date
        private var event: (() -> Void)?

        init(after seconds: Double, _ event: @escaping () -> Void) {
            due = InProcess.clock.now.addingTimeInterval(seconds)
            self.event = event
        }

        var now: Date { InProcess.clock.now }
        var fired: Bool { lock.withLock { event == nil } }

        func sleep(_ seconds: Double) {
            InProcess.clock.sleep(seconds)
            let ready: (() -> Void)? = lock.withLock {
                guard now >= due, let event else { return nil }
                self.event = nil
                return event
            }
            ready?()
        }
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "pbxctl-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Any? {
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) } catch {
            XCTFail("not JSON: \(error): \(text.prefix(300))", file: file, line: line)
            return nil
        }
    }

    /// A port nothing listens on: a request there fails with exit 5.
    static let closedURL = "http://127.0.0.1:9"

    /// Sends a request to the sandbox whose base URL it starts with; any other origin
    /// (`closedURL`, the socket sandbox of `--sandbox`) goes to libcurl as in a real run.
    enum Router {
        // Both guarded by `lock`: a fleet run reaches the router from several threads.
        nonisolated(unsafe) private static var sandboxes: [String: Sandbox] = [:]
        nonisolated(unsafe) private static var nextPort = 20_000
        private static let lock = NSLock()

        static func attach(_ sandbox: Sandbox) -> String {
            lock.withLock {
                nextPort += 1
                let base = "http://127.0.0.1:\(nextPort)"
                sandbox.attach(baseURL: base)
                sandboxes[base] = sandbox
                return base
            }
        }

        static func detach(_ base: String) { _ = lock.withLock { sandboxes.removeValue(forKey: base) } }

        static func sandbox(for url: String) -> Sandbox? {
            lock.withLock { sandboxes.first { url == $0.key || url.hasPrefix($0.key + "/") || url.hasPrefix($0.key + "?") }?.value }
        }

        static let factory: TransportFactory = { options in RoutingTransport(options: options, curl: try CurlTransport(options: options)) }
    }

    final class RoutingTransport: Transport, @unchecked Sendable {
        let options: TransportOptions
        let curl: CurlTransport
        init(options: TransportOptions, curl: CurlTransport) {
            self.options = options
            self.curl = curl
        }

        func transport(for request: HTTPRequest) -> Transport {
            guard let sandbox = Router.sandbox(for: request.url) else { return curl }
            return SandboxTransport(sandbox: sandbox, options: options, clock: InProcess.clock)
        }

        func send(_ request: HTTPRequest) throws -> HTTPResponse { try transport(for: request).send(request) }
        func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse {
            try transport(for: request).stream(request, consumer: consumer)
        }
    }
}

/// A sandbox served in-process, with `SandboxProcess`'s interface: started with
/// `pbxctl sandbox`'s flags, reachable at `baseURL` through `InProcess.run` only.
final class InProcessSandbox {
    let sandbox: Sandbox
    let baseURL: String
    let home: String

    init(arguments: [String] = [], environment: [String: String]? = nil) throws {
        home = environment?["HOME"] ?? InProcess.temporaryDirectory()
        let line = try CommandLineParser(root: RootCommand.build()).parse(["sandbox"] + arguments)
        var options = SandboxCommand.options(line)
        options.now = { InProcess.clock.now }
        sandbox = Sandbox(options: options)
        baseURL = InProcess.Router.attach(sandbox)
    }

    /// A fresh home with a PortSIP profile for this sandbox, logged in as its admin.
    func loggedIn(_ name: String = "lab", file: StaticString = #filePath, line: UInt = #line) -> (home: String, env: [String: String]) {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        XCTAssertEqual(InProcess.run(["config", "set", name, "--type", "portsip", "--url", baseURL + "/portsip", "username=admin"], env: env).code, 0, file: file, line: line)
        let login = InProcess.run(["login", "-p", name, "--password-stdin"], env: env, stdin: "sandbox\n")
        XCTAssertEqual(login.code, 0, login.stderr, file: file, line: line)
        return (home, env)
    }

    /// Environment that points PortSIP commands at this sandbox with its fixed token.
    func env(_ extra: [String: String] = [:]) -> [String: String] {
        InProcess.environment(home: home, extra: ["PBXCTL_URL": baseURL + "/portsip", "PBXCTL_TOKEN": "sandbox-portsip-token"].merging(extra) { $1 })
    }

    /// A request to the sandbox's test-only controls.
    func get(_ path: String, method: String = "GET") throws -> Data {
        Data(sandbox.respond(to: ServerRequest(method: method, target: path, headers: [], body: [])).body)
    }

    func stats() throws -> (operations: [String: Int], faults: [String: Int]) {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: get("/_sandbox/stats")) as? [String: Any])
        return ((object["portsip"] as? [String: Int]) ?? [:], (object["faults"] as? [String: Int]) ?? [:])
    }

    func answerViolations() throws -> [String] {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: get("/_sandbox/stats")) as? [String: Any])
        return try XCTUnwrap(object["answer_violations"] as? [String], "the sandbox reports the answers it checked")
    }

    func requests() throws -> [(target: String, credentials: Bool)] {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: get("/_sandbox/requests")) as? [String: Any])
        return ((object["requests"] as? [[String: Any]]) ?? []).map { ($0["target"] as? String ?? "", $0["credentials"] as? Bool ?? false) }
    }

    func stop() { InProcess.Router.detach(baseURL) }

    deinit { stop() }
}

/// A test class whose tests share one in-process sandbox, started with `sandboxArguments`.
class InProcessSandboxTestCase: XCTestCase {
    class var sandboxArguments: [String] { [] }
    // Filled in a class's setUp, read by its tests, emptied in its tearDown: XCTest runs them one at a time.
    nonisolated(unsafe) static var sandboxes: [ObjectIdentifier: InProcessSandbox] = [:]

    override class func setUp() {
        super.setUp()
        sandboxes[ObjectIdentifier(self)] = try! InProcessSandbox(arguments: sandboxArguments)
    }

    override class func tearDown() {
        sandboxes.removeValue(forKey: ObjectIdentifier(self))?.stop()
        super.tearDown()
    }

    var sandbox: InProcessSandbox { Self.sandboxes[ObjectIdentifier(type(of: self))]! }

    /// Every answer of every test fits the vendor document, not just what pbxctl reads.
    override func tearDownWithError() throws {
        XCTAssertEqual(try sandbox.answerViolations(), [], "the sandbox answered outside the vendor document")
        try super.tearDownWithError()
    }
    var env: [String: String] { sandbox.env() }
}
