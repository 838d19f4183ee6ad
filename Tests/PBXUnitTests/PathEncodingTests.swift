import Foundation
import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXClient
import PBXSandbox

/// Every user-supplied value that lands in a URL path is one percent-encoded segment:
/// hostile IDs through every command with a path parameter, checked against the
/// request target the sandbox received on the wire.
final class PathEncodingTests: XCTestCase {
    /// (what the user types, the segment that must arrive), written out by hand.
    static let hostile: [(String, String)] = [
        ("nobody}/../NzAwNTUxOTA5NzczMTQ4MTYx/destroy#", "nobody%7D%2F..%2FNzAwNTUxOTA5NzczMTQ4MTYx%2Fdestroy%23"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a b?top=1&skip=2", "a%20b%3Ftop%3D1%26skip%3D2"),
        ("%2F%2e%2e", "%252F%252e%252e"),
        ("{user:x}", "%7Buser%3Ax%7D"),
        ("é✓", "%C3%A9%E2%9C%93"),
        ("a\\b;c", "a%5Cb%3Bc"),
    ]

    func testPathTemplateEncodesEachValueAsOneSegment() {
        for (value, expected) in Self.hostile {
            XCTAssertEqual(PathTemplate.fill("/users/{id}/destroy", [value]), "/users/\(expected)/destroy", value)
        }
        XCTAssertEqual(PathTemplate.fill("/a/{x}/b/{y}", ["1"]), "/a/1/b/{y}", "a missing value leaves its placeholder for validation")
    }

    func testHostileIDsReachTheServerAsOneSegmentInEveryCommand() throws {
        let sandbox = Sandbox()
        try sandbox.start()
        defer { sandbox.stop() }
        let home = NSTemporaryDirectory() + "pbxctl-paths-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["HOME": home, "PBXCTL_CONFIG": home + "/config", "PBXCTL_URL": sandbox.baseURL + "/portsip",
                           "PBXCTL_TOKEN": SandboxCredentials.portsipToken, "PBXCTL_BACKOFF_BASE_MS": "1"]
        var checked = 0
        for operation in PortSIPCatalog.all {
            let pathArguments = operation.arguments.indices.filter {
                switch operation.arguments[$0].role {
                case .path, .user, .userWhen: return true
                default: return false
                }
            }
            // Each path argument in turn gets the hostile value; `--user` too where the admin form exists.
            var slots: [Int?] = pathArguments.map { $0 }
            if operation.adminPath != nil { slots.append(nil) }
            for slot in slots {
                for (value, expected) in Self.hostile {
                    var argv = operation.words
                    var segments: [String] = []
                    var template = operation.path
                    if slot == nil {
                        argv += ["--user", value]
                        template = operation.adminPath!
                        segments.append(expected)
                    }
                    for (index, argument) in operation.arguments.enumerated() {
                        switch argument.role {
                        case .path, .user, .userWhen:
                            let typed = index == slot ? value : "benign-\(index)"
                            argv.append(typed)
                            segments.append(index == slot ? expected : typed)
                        case .body, .bodyList:
                            argv.append(Self.bodyValue(argument))
                        }
                    }
                    argv += Self.validBody[operation.words.joined(separator: " ")] ?? []
                    argv += ["--retries", "0", "--timeout", "5", "-o", "json"]
                    if operation.confirm || operation.extraFlags.contains(where: { $0.long == "yes" }) { argv.append("--yes") }
                    if !operation.secrets.isEmpty { argv.append("--password-stdin") }
                    let io = IOContext(stdout: StringSink(), stderr: StringSink(), environment: environment,
                                       readStdin: { Array("Hostile-Path-Pass1!".utf8) })
                    let before = sandbox.requestTargets.count
                    let code = PBXCLI.run(argv, io: io)
                    let sent = sandbox.requestTargets.dropFirst(before)
                    let expectedPath = "/portsip/api" + PathTemplate.fill(template, []).replacingPlaceholders(with: segments)
                    XCTAssertTrue(sent.contains { $0 == "\(operation.method) \(expectedPath)" || $0.hasPrefix("\(operation.method) \(expectedPath)?") },
                                  "\(argv.joined(separator: " ")) (exit \(code)) sent \(Array(sent)), expected \(operation.method) \(expectedPath)")
                    checked += 1
                }
            }
        }
        // The hand-written commands with a path parameter.
        let handWritten: [(argv: [String], method: String, template: String)] = [
            (["recordings", "download", "{}", "-O", home + "/r.wav"], "GET", "/user/recordings/{}"),
            (["registration", "check", "{}"], "GET", "/users/{}/status"),
            (["contacts", "sync", "--token", "{}"], "POST", "/user/contacts/sync_tokens/{}/diff"),
            (["cdrs", "sync", "--token", "{}"], "POST", "/user/cdrs/sync_tokens/{}/diff"),
        ]
        for command in handWritten {
            for (value, expected) in Self.hostile {
                let before = sandbox.requestTargets.count
                let argv = command.argv.map { $0 == "{}" ? value : $0 } + ["--retries", "0"]
                let code = PBXCLI.run(argv, io: IOContext(stdout: StringSink(), stderr: StringSink(), environment: environment))
                let sent = sandbox.requestTargets.dropFirst(before)
                let target = "\(command.method) /portsip/api" + command.template.replacingOccurrences(of: "{}", with: expected)
                // Sync refuses a token with a `/` as a usage error, which sends nothing: also safe.
                XCTAssertTrue(sent.contains(target) || (code == 2 && sent.isEmpty), "\(argv) (exit \(code)) sent \(Array(sent)), expected \(target)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 400, "the table ran through the catalog")
    }

    /// An ID a lookup returned is a value like any other: one segment.
    func testResolvedUserIDsAreOneSegment() throws {
        for (value, expected) in Self.hostile {
            var options = SandboxOptions()
            options.hostile["user-id"] = value
            let sandbox = Sandbox(options: options)
            try sandbox.start()
            defer { sandbox.stop() }
            let environment = ["HOME": NSTemporaryDirectory(), "PBXCTL_CONFIG": NSTemporaryDirectory() + "/none", "PBXCTL_URL": sandbox.baseURL + "/portsip",
                               "PBXCTL_TOKEN": SandboxCredentials.portsipToken]
            let io = IOContext(stdout: StringSink(), stderr: StringSink(), environment: environment)
            _ = PBXCLI.run(["users", "delete", "1001", "--yes", "--retries", "0"], io: io)
            XCTAssertEqual(sandbox.requestTargets.last, "POST /portsip/api/users/\(expected)/destroy", value)
            _ = PBXCLI.run(["phones", "list", "--user", "1001", "--retries", "0"], io: io)
            XCTAssertEqual(sandbox.requestTargets.last?.components(separatedBy: "?").first, "GET /portsip/api/users/\(expected)/phones", value)
        }
    }

    /// Body flags for the operations whose body is required, so that the request is sent.
    static let validBody: [String: [String]] = [
        "phones create": ["--mac", "00:15:65:00:00:01", "--vendor", "Yealink", "--model", "T54W", "--filename", "y.xml", "--language", "ENGLISH",
                          "--transfer", "BLIND", "--timezone", "UTC", "--interface", "PRIVATE_IPV4", "--transport", "UDP", "-F", "codecs=[\"PCMA\"]", "-f", "password=9"],
        "holidays create": ["--name", "Tour", "--region", "GBR", "--consecutive", "false", "--every-year", "true", "-F", "month_start=1", "-F", "day_start=2"],
        "holidays update": ["--name", "Tour2", "--consecutive", "false", "--every-year", "true"],
        "speed-dials create": ["--kind", "8", "--code", "2", "--number", "1002"],
    ]

    /// A value a body argument accepts, so that validation lets the request go out.
    static func bodyValue(_ argument: OperationArgument) -> String {
        switch argument.name {
        case "ROLE": return "StandardUser"
        case "POS": return "2"
        case "STATUS": return "READY"
        default: return "x"
        }
    }
}

private extension String {
    /// Test-side filling, independent of PathTemplate: placeholders in order.
    func replacingPlaceholders(with values: [String]) -> String {
        var result = ""
        var remaining = values[...]
        var inside = false
        for character in self {
            if character == "{" { inside = true; continue }
            if character == "}" { inside = false; result += remaining.popFirst() ?? "?"; continue }
            if !inside { result.append(character) }
        }
        return result
    }
}

/// Credentials are scoped to the profile's scheme, host and port.
final class CredentialScopeTests: XCTestCase {
    func client(_ base: String) -> APIClient {
        APIClient(connection: Connection(backend: "portsip", baseURL: base, auth: .bearer("SECRET"), extraHeaders: [("X-Tenant", "t1")]),
                  transport: NoTransport(), settings: ClientSettings(), stdout: { _ in }, stderr: { _ in })
    }

    func testServerURLsGetCredentialsOnlyOnTheProfilesOrigin() throws {
        let https = client("https://pbx.example.com:8887/api")
        let same = try https.request(forServerURL: "https://PBX.example.com:8887/api/blobs/x", accept: "*/*")
        XCTAssertEqual(same.header("Authorization"), "Bearer SECRET")
        XCTAssertTrue(same.sendsCredentials)
        for foreign in ["https://evil.example.com:8887/x", "https://pbx.example.com:8888/x", "http://pbx.example.com:8887/x",
                        "https://pbx.example.com/x", "https://pbx.example.com:8887@evil.example.com/x"] {
            let request = try https.request(forServerURL: foreign, accept: "*/*")
            XCTAssertNil(request.header("Authorization"), foreign)
            XCTAssertNil(request.header("X-Tenant"), foreign)
            XCTAssertFalse(request.sendsCredentials, foreign)
        }
        XCTAssertTrue(try client("http://pbx:80/api").request(forServerURL: "http://pbx/x", accept: "*/*").sendsCredentials, "default ports compare equal")
        for refused in ["file:///etc/passwd", "ftp://pbx.example.com/x", "gopher://x", "https:///nohost"] {
            XCTAssertThrowsError(try https.request(forServerURL: refused, accept: "*/*"), refused)
        }
    }
}

private struct NoTransport: Transport {
    func send(_ request: HTTPRequest) throws -> HTTPResponse { throw TransportError.other("no transport") }
    func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse { throw TransportError.other("no transport") }
}
