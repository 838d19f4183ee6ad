import Foundation
import XCTest

/// Interrupts and TLS, which need a real process. Retries under injected faults,
/// at-most-once creates, token refresh and bad answers run in-process
/// (PBXUnitTests/InProcess/ReliabilityInProcessTests.swift).
final class ReliabilityEndToEndTests: XCTestCase {
    func testInterruptExits130WithoutPartialOutput() throws {
        let sandbox = try SandboxProcess(arguments: ["--latency", "400"])
        defer { sandbox.stop() }
        // Ctrl-C once the first page has come, with the next ones in flight.
        let (code, seconds, stderr) = try PBX.signalled(["users", "list", "--all", "--page-size", "10", "-o", "json"], env: sandbox.env(), once: "< 200 ")
        XCTAssertLessThan(seconds, 3, "Ctrl-C ends it promptly")
        XCTAssertEqual(code, 130)
        XCTAssertTrue(stderr.contains("pbxctl: interrupted"), stderr)
        XCTAssertFalse(stderr.contains("Fatal") || stderr.contains("Stack"), stderr)

        let dir = PBX.temporaryDirectory()
        // Ctrl-C while the file itself is on its way (the second request).
        XCTAssertEqual(try PBX.signalled(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav"], env: sandbox.env(), once: "> GET ", count: 2).code, 130)
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
