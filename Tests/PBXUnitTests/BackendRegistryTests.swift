import Foundation
import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXClient
import PBXJSON
import PBXSandbox

/// The registry is the one list of backends: what each declares (settings, secrets,
/// connection variables) is what `config set` accepts and what the docs describe,
/// and a backend defined outside pbxctl's sources joins by being registered.
final class BackendRegistryTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryBackendsKeysAndVariablesAreInTheDocsAndHelp() throws {
        let configuration = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let root = RootCommand.build()
        let man = RootCommand.manPage(root)
        let configSet = try XCTUnwrap(root.child(named: "config")?.child(named: "set"))
        let help = HelpRenderer.render(configSet)
        XCTAssertEqual(configSet.flags.first { $0.long == "type" }?.kind, .choice(["portsip", "rocketchat", "vonage", "commpeak"]))
        for backend in BackendRegistry.standard.backends {
            let type = backend.type.rawValue
            let rows = configuration.split(separator: "\n").filter { $0.hasPrefix("| \(type) |") }.map(String.init)
            let keys = backend.settingKeys + backend.secretKeys
            XCTAssertTrue(rows.contains { row in keys.allSatisfy { row.contains("`\($0)`") } }, "docs/configuration.md: no row of \(type) lists all of \(keys)")
            let variables = backend.environmentVariables.map(\.name)
            XCTAssertTrue(rows.contains { row in variables.allSatisfy { row.contains("`\($0)`") } }, "docs/configuration.md: no row of \(type) lists all of \(variables)")
            for variable in variables { XCTAssertTrue(man.contains(".B \(variable)\n"), "the man page does not describe \(variable)") }
            let trigger = try XCTUnwrap(backend.environmentTriggers.first)
            XCTAssertTrue(backend.environmentHint.contains(trigger), "\(type)'s hint does not name \(trigger)")
            for key in backend.settingKeys { XCTAssertTrue(help.contains(key), "`config set` help does not mention \(type)'s \(key)") }
            XCTAssertTrue(Set(backend.environmentVariables.map(\.key)).isSubset(of: Set(keys)), "\(type) reads a variable into a key it does not declare")
        }
    }

    func testConfigSetTakesExactlyTheKeysEachBackendDeclares() throws {
        let registry = BackendRegistry.standard
        for backend in registry.backends {
            let type = backend.type.rawValue
            let accepted = backend.settingKeys.filter { $0 != "url" } + backend.secretKeys + ["default"]
            for key in accepted {
                let value = key == "region" ? "emea" : key == "default" ? "true" : "v"
                let run = Self.run(["config", "set", "p", "--type", type, "--url", "https://pbx.example", "\(key)=\(value)"])
                XCTAssertEqual(run.code, 0, "\(type) refused \(key): \(run.stderr)")
            }
            let refused = ["bogus"] + registry.secretKeys.subtracting(backend.secretKeys).sorted()
            for key in refused {
                let run = Self.run(["config", "set", "p", "--type", type, "--url", "https://pbx.example", "\(key)=v"])
                XCTAssertEqual(run.code, 2, "\(type) accepted \(key)")
                XCTAssertTrue(run.stderr.contains("'\(key)'"), run.stderr)
            }
        }
    }

    func testNoSourceOutsideTheBackendFilesAsksWhichBackendItIs() throws {
        let sources = Self.packageRoot.appendingPathComponent("Sources/PBXCLI")
        let pattern = try NSRegularExpression(pattern: #"(case|==|!=)\s*\.(portsip|rocketchat|vonage|commpeak)\b|BackendType\.allCases"#)
        var found: [String] = []
        for case let relative as String in FileManager.default.enumerator(atPath: sources.path)! where relative.hasSuffix(".swift") && !relative.hasPrefix("Backends/") {
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.append("\(relative): \(text[Range(match.range, in: text)!])")
            }
        }
        XCTAssertEqual(found, [], "ask the registry (or the command's backend) instead")
    }

    func testAFifthBackendIsOneTypeAndARegistration() throws {
        let server = EchoServer()
        let registry = BackendRegistry(backends: BackendRegistry.standard.backends + [EchoBackend(server: server)])
        let folder = Self.folder()

        // Its keys are settings and secrets like any other backend's.
        var run = Self.run(["config", "set", "e", "--type", "echo", "--url", "https://echo.example", "key=SECRET-1"], folder: folder, backends: registry)
        XCTAssertEqual(run.code, 0, run.stderr)
        XCTAssertFalse(try String(contentsOfFile: folder + "/config", encoding: .utf8).contains("SECRET-1"))
        XCTAssertTrue(try String(contentsOfFile: folder + "/credentials", encoding: .utf8).contains("key = SECRET-1"))
        run = Self.run(["config", "set", "e", "token=x"], folder: folder, backends: registry)
        XCTAssertEqual(run.code, 2)
        XCTAssertTrue(run.stderr.contains("echo profiles never use 'token'; the secrets they read (key)"), run.stderr)

        // Its command resolves the profile and connects the way the backend says.
        run = Self.run(["echo", "ping"], folder: folder, backends: registry)
        XCTAssertEqual(run.code, 0, run.stderr)
        XCTAssertEqual(run.stdout, "pong\n")
        XCTAssertEqual(server.take(), ["GET https://echo.example/v2/ping Bearer SECRET-1"])

        // `api` strips its prefix and pages its way.
        run = Self.run(["api", "/v2/items", "--paginate", "-p", "e", "-o", "jsonl"], folder: folder, backends: registry)
        XCTAssertEqual(run.code, 0, run.stderr)
        XCTAssertEqual(run.stdout, "{\"id\":\"a\"}\n")
        XCTAssertEqual(server.take(), ["GET https://echo.example/v2/items?page=1&limit=7 Bearer SECRET-1"])

        // Its environment variables make a profile without a file.
        let empty = Self.folder()
        run = Self.run(["echo", "ping"], folder: empty, backends: registry, extra: ["PBXCTL_ECHO_URL": "https://env.example", "PBXCTL_ECHO_KEY": "SECRET-2"])
        XCTAssertEqual(run.code, 0, run.stderr)
        XCTAssertEqual(server.take(), ["GET https://env.example/v2/ping Bearer SECRET-2"])
        run = Self.run(["echo", "ping"], folder: empty, backends: registry)
        XCTAssertEqual(run.code, 2)
        XCTAssertTrue(run.stderr.contains("no echo profile is configured") && run.stderr.contains("or set PBXCTL_ECHO_URL and PBXCTL_ECHO_KEY"), run.stderr)

        // The sandbox gives it a profile like the others.
        run = Self.run(["--sandbox", "echo", "ping"], folder: empty, backends: registry)
        XCTAssertEqual(run.code, 0, run.stderr)
        XCTAssertEqual(server.take().map { $0.hasSuffix("/echo/v2/ping Bearer sandbox-key") }, [true])

        // Unregistered, the same files know no such type and the tree no such command.
        run = Self.run(["echo", "ping"], folder: folder)
        XCTAssertEqual(run.code, 2)
        run = Self.run(["users", "list"], folder: folder)
        XCTAssertEqual(run.code, 2)
        XCTAssertTrue(run.stderr.contains("profile 'e' in \(folder)/config has no valid type (portsip, rocketchat, vonage or commpeak)"), run.stderr)
    }

    static func folder() -> String {
        let folder = NSTemporaryDirectory() + "pbxctl-backends-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }

    static func run(_ argv: [String], folder: String = folder(), backends: BackendRegistry = .standard, extra: [String: String] = [:]) -> (code: Int32, stdout: String, stderr: String) {
        let out = StringSink(), err = StringSink()
        let environment = ["HOME": folder, "PBXCTL_CONFIG": folder + "/config"].merging(extra) { $1 }
        let code = PBXCLI.run(argv, io: IOContext(stdout: out, stderr: err, environment: environment), backends: backends)
        return (code, out.text, err.text)
    }
}

extension BackendType {
    static let echo = BackendType(rawValue: "echo")
}

/// A backend as a fifth one would be written: one type, nothing else edited.
struct EchoBackend: Backend {
    let server: EchoServer

    var type: BackendType { .echo }
    var settingKeys: [String] { ["url"] }
    var secretKeys: [String] { ["key"] }
    var environmentVariables: [EnvironmentVariable] { [EnvironmentVariable("PBXCTL_ECHO_URL", "url"), EnvironmentVariable("PBXCTL_ECHO_KEY", "key", secret: true)] }
    var environmentHint: String { "or set PBXCTL_ECHO_URL and PBXCTL_ECHO_KEY" }
    var apiPrefix: String? { "/v2" }
    var pageStyle: PageStyle { .pageLimit(pageSize: 7) }

    func sandboxProfile(baseURL: String, options: SandboxOptions) -> Profile {
        Profile(name: sandboxProfileName, type: type, settings: ["url": baseURL + "/echo"], secrets: ["key": "sandbox-key"], source: .sandbox)
    }

    func connect(_ profile: Profile, app: App) throws -> APIClient {
        let url = try Backends.requireURL(profile)
        guard let key = profile.secret("key") else { throw APIError.usage("\(profile.label) has no key") }
        return APIClient(connection: Connection(backend: "echo", baseURL: Backends.apiBase(url, prefix: "/v2"), auth: .bearer(key)), transport: server,
                         settings: app.clientSettings, stdout: { [io = app.io] in io.out($0) }, stderr: { [io = app.io] in io.err($0) })
    }

    func login(_ profile: Profile, invocation: Invocation) throws {
        try LoginCommands.saveSecrets(invocation.app, profile, [("key", LoginCommands.readPassword(invocation, prompt: "Key: "))])
    }

    func install(in root: Command) {
        root.add(Command("echo", "Talk to the echo server", children: [
            Command("ping", "Ask for a pong", backend: .echo, run: { invocation in
                let answer = try invocation.client().call("GET", "/ping")
                invocation.io.out((answer.json?["pong"]?.stringValue ?? "") + "\n")
            }),
        ]))
    }
}

/// Answers the echo backend's two endpoints and records each request with its auth;
/// any other request fails the command (and so the test). Unchecked Sendable: its one
/// mutable field, `requests`, is read and written only under `lock`.
final class EchoServer: Transport, @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var requests: [String] = []

    func take() -> [String] {
        lock.withLock {
            defer { requests = [] }
            return requests
        }
    }

    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = request.headers.first { $0.name == "Authorization" }?.value ?? "none"
        lock.withLock { requests.append("\(request.method) \(request.url) \(auth)") }
        let path = request.url.split(separator: "?")[0]
        let body: String
        if path.hasSuffix("/v2/ping") {
            body = #"{"pong": "pong"}"#
        } else if path.hasSuffix("/v2/items") {
            body = #"{"items": [{"id": "a"}], "meta": {"totalCount": 1}}"#
        } else {
            return HTTPResponse(status: 404, body: Array(#"{"error": "no such endpoint"}"#.utf8))
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse {
        var response = try send(request)
        guard (200..<300).contains(response.status) else { return response }
        _ = response.body.withUnsafeBytes(consumer)
        response.body = []
        return response
    }
}
