import Foundation
import XCTest

/// Retries under injected faults, at-most-once creates, token refresh,
/// bad answers, interrupts and TLS. The figures asserted here are the ones
/// docs/reliability.md quotes.
final class ReliabilityEndToEndTests: XCTestCase {
    /// 1,000 users in 10 pages under 10% 503s, 5% dropped connections and a rate limit
    /// of 3 requests a second (429 + Retry-After): every user exactly once.
    func testListAllSurvivesFaultsExactly() throws {
        let sandbox = try SandboxProcess(arguments: ["--users", "1000", "--fail-rate", "0.1", "--drop-rate", "0.05", "--rate-limit", "3", "--fault-seed", "7"])
        defer { sandbox.stop() }
        let result = PBX.run(["users", "list", "--all", "-q", "--retries", "6"], env: sandbox.env())
        XCTAssertEqual(result.code, 0, result.stderr)
        let ids = result.stdout.split(separator: "\n")
        XCTAssertEqual(ids.count, 1000)
        XCTAssertEqual(Set(ids).count, 1000, "no page twice, none missing")
        let (operations, faults) = try sandbox.stats()
        let faultCount = faults.values.reduce(0, +)
        XCTAssertGreaterThan(faultCount, 0, "faults were injected: \(faults)")
        XCTAssertGreaterThan(faults["429"] ?? 0, 0, "the rate limit was hit: \(faults)")
        XCTAssertEqual(operations["listUsers"], 10 + (faults["drop"] ?? 0), "one served request per page plus one per dropped answer (503s and 429s never reach the API)")
    }

    /// A create whose answer is lost (the connection drops after the server did the
    /// work) is not sent again: exit 5, and the user exists exactly once.
    func testCreateIsNeverRepeatedBlindly() throws {
        let sandbox = try SandboxProcess(arguments: ["--drop-rate", "1"])
        defer { sandbox.stop() }
        let create = PBX.run(["users", "create", "--name", "once.only", "--display-name", "Once", "--email", "once@example.com", "--role", "StandardUser",
                              "--extension", "7401", "-f", "password=p", "-f", "extension_password=q", "-f", "voicemail_pin=385920", "--retries", "5"], env: sandbox.env())
        XCTAssertEqual(create.code, 5, create.stderr)
        XCTAssertEqual(try sandbox.stats().operations["createUser"], 1, "sent once, not retried")

        let failing = try SandboxProcess(arguments: ["--fail-rate", "1"])
        defer { failing.stop() }
        let refused = PBX.run(["users", "create", "--name", "not.made", "--display-name", "No", "--email", "no@example.com", "--role", "StandardUser",
                               "--extension", "7402", "-f", "password=p", "-f", "extension_password=q", "-f", "voicemail_pin=385920", "--retries", "5", "-v"], env: failing.env())
        XCTAssertEqual(refused.code, 1)
        XCTAssertEqual(refused.stderr.components(separatedBy: "> POST ").count - 1, 1, "a POST answered 503 is not retried")
        XCTAssertTrue(refused.stderr.contains("503"), refused.stderr)
        let reads = PBX.run(["users", "get", "1001", "--retries", "3", "-v"], env: failing.env())
        XCTAssertEqual(reads.code, 1)
        XCTAssertEqual(reads.stderr.components(separatedBy: "> GET ").count - 1, 4, "a GET is tried 1 + --retries times")
    }

    func testExpiredTokenIsRefreshedExactlyOnce() throws {
        let sandbox = try SandboxProcess(arguments: ["--token-ttl", "1"])
        defer { sandbox.stop() }
        let (home, env) = sandbox.loggedIn()
        Thread.sleep(forTimeInterval: 1.5)
        let result = PBX.run(["users", "list", "--limit", "3", "-q"], env: env)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(try sandbox.stats().operations["refreshToken"], 1)
        // Both tokens stale: one refresh attempt fails, and the message says what to do.
        let credentials = home + "/.config/pbxctl/credentials"
        let text = try String(contentsOfFile: credentials, encoding: .utf8)
        try text.replacingOccurrences(of: "refresh_token = rt-", with: "refresh_token = stale-").write(toFile: credentials, atomically: true, encoding: .utf8)
        chmod(credentials, 0o600)
        Thread.sleep(forTimeInterval: 1.5)
        let expired = PBX.run(["users", "list"], env: env)
        XCTAssertEqual(expired.code, 3)
        XCTAssertTrue(expired.stderr.contains("run pbxctl login"), expired.stderr)
        XCTAssertEqual(try sandbox.stats().operations["refreshToken"], 2)
    }

    func testBadAnswersGiveClearErrorsNotCrashes() throws {
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let cases: [(String, String)] = [
            ("html", "502"), ("html200", "not valid JSON (text/html"), ("truncated", "not valid JSON"), ("wrongtype", "expected {\"count\", \"items\"}"),
            ("empty", "expected {\"count\", \"items\"}"), ("huge", "larger than 1048576 bytes"), ("notjsonerror", "java.lang.NullPointerException"),
        ]
        for (kind, needle) in cases {
            let env = PBX.environment(home: sandbox.home, extra: ["PBXCTL_URL": sandbox.baseURL + "/_broken/" + kind, "PBXCTL_TOKEN": "t", "PBXCTL_MAX_BODY_MB": "1"])
            let result = PBX.run(["users", "list", "--retries", "0"], env: env)
            XCTAssertEqual(result.code, 1, "\(kind): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("pbxctl: error: "), kind)
            XCTAssertTrue(result.stderr.contains(needle), "\(kind): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal error") || result.stderr.contains("Stack dump"), kind)
        }
        let empty = PBX.run(["users", "get", "X"], env: PBX.environment(home: sandbox.home, extra: ["PBXCTL_URL": sandbox.baseURL + "/_broken/empty", "PBXCTL_TOKEN": "t"]))
        XCTAssertEqual(empty.code, 1)
        XCTAssertTrue(empty.stderr.contains("empty"), empty.stderr)
    }

    func testInterruptExits130WithoutPartialOutput() throws {
        let sandbox = try SandboxProcess(arguments: ["--latency", "400"])
        defer { sandbox.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PBX.binary)
        process.arguments = ["users", "list", "--all", "--page-size", "10", "-o", "json"]
        process.environment = sandbox.env()
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        let started = Date()
        process.interrupt()
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "Ctrl-C ends it promptly")
        XCTAssertEqual(process.terminationStatus, 130)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(stderr.contains("pbxctl: interrupted"), stderr)
        XCTAssertFalse(stderr.contains("Fatal") || stderr.contains("Stack"), stderr)

        let dir = PBX.temporaryDirectory()
        XCTAssertEqual(try PBX.interrupted(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav"], env: sandbox.env(), after: 0.6), 130)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "no half-written file, no temp file")
    }

    /// --insecure and --cacert really work on Linux (through libcurl), against an
    /// HTTPS server with a certificate this test makes; the default rejects it.
    func testTLSOptions() throws {
        guard let server = try HTTPSFixture() else { throw XCTSkip("openssl or python3 missing") }
        defer { server.stop() }
        let env = PBX.environment(home: PBX.temporaryDirectory(), extra: ["PBXCTL_URL": server.url, "PBXCTL_TOKEN": "t"])
        let strict = PBX.run(["users", "list", "-q", "--retries", "0"], env: env)
        XCTAssertEqual(strict.code, 5, strict.stderr)
        XCTAssertTrue(strict.stderr.contains("TLS"), strict.stderr)
        XCTAssertTrue(strict.stderr.contains("--cacert"), "the error says how to fix it")
        let insecure = PBX.run(["users", "list", "-q", "--insecure"], env: env)
        XCTAssertEqual(insecure.code, 0, insecure.stderr)
        XCTAssertEqual(insecure.stdout, "tls-ok\n")
        XCTAssertTrue(insecure.stderr.contains("warning: --insecure"))
        let trusted = PBX.run(["users", "list", "-q", "--cacert", server.caFile], env: env)
        XCTAssertEqual(trusted.code, 0, trusted.stderr)
        XCTAssertEqual(trusted.stdout, "tls-ok\n")
        XCTAssertFalse(trusted.stderr.contains("warning"))
        XCTAssertEqual(PBX.run(["users", "list", "--cacert", "/nonexistent.pem"], env: env).code, 2)
    }
}

/// A self-signed HTTPS server on loopback: openssl makes the certificate, Python's
/// ssl module serves a one-user PortSIP list.
final class HTTPSFixture {
    let process = Process()
    let url: String
    let caFile: String

    init?() throws {
        let dir = PBX.temporaryDirectory()
        caFile = dir + "/cert.pem"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-out", caFile, "-days", "1",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { return nil }
        let script = """
            import http.server, ssl, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = b'{"count":1,"items":[{"id":"tls-ok","name":"secure"}]}'
                    self.send_response(200); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
                def log_message(self, *args): pass
            server = http.server.HTTPServer(('127.0.0.1', 0), H)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, caFile, dir + "/key.pem"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(line) else { return nil }
        url = "https://127.0.0.1:\(port)"
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
