import Foundation
import XCTest

/// What only the real process and libcurl can show: a full disk and a closed pipe on
/// stdout, --max-time on libcurl's transfers, libcurl's own re-send on a dead kept-alive
/// connection. The rest runs in-process (PBXUnitTests/InProcess/SecurityEndToEndTests.swift).
final class SecurityEndToEndTests: XCTestCase {
    /// Runs pbxctl with stdout on `path` (e.g. /dev/full).
    func run(_ arguments: [String], env: [String: String], stdoutPath path: String) throws -> (code: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PBX.binary)
        process.arguments = arguments
        process.environment = env
        process.standardOutput = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        let err = Pipe()
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    func testWriteErrorsAreErrorsAndAClosedPipeStaysQuiet() throws {
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        for argv in [["users", "list", "--all", "-o", "csv"], ["cdrs", "list", "-o", "jsonl"], ["users", "get", "1001", "-o", "json"],
                     ["recordings", "download", "rec-admin-1", "-O", "-"], ["help"], ["help", "users"], ["users", "--help"], ["--version"], ["version"], ["users"]] {
            let full = try run(argv, env: sandbox.env(), stdoutPath: "/dev/full")
            XCTAssertEqual(full.code, 1, "\(argv): \(full.stderr)")
            XCTAssertTrue(full.stderr.contains("writing the output failed: No space left on device"), "\(argv): \(full.stderr)")
        }
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-c", "'\(PBX.binary)' users list --all -o csv --page-size 10 | head -1"]
        shell.environment = sandbox.env()
        let out = Pipe(), err = Pipe()
        shell.standardOutput = out
        shell.standardError = err
        try shell.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaints = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        XCTAssertEqual(printed.split(separator: "\n").count, 1)
        XCTAssertEqual(complaints, "", "a closed pipe is not an error to report")
    }
}

extension SecurityEndToEndTests {
    /// --max-time bounds the whole command, streamed answers and downloads included.
    func testMaxTimeBoundsTheWholeCommand() throws {
        let slow = try SandboxProcess(arguments: ["--latency", "3000"])
        defer { slow.stop() }
        for argv in [["cdrs", "list", "-o", "jsonl"], ["users", "list"], ["registration", "check", "1005", "--wait", "60"]] {
            let started = Date()
            let result = PBX.run(argv + ["--max-time", "1"], env: slow.env())
            XCTAssertEqual(result.code, 5, "\(argv): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("--max-time"), "\(argv): \(result.stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 2.5, "\(argv)")
        }
    }
}

extension SecurityEndToEndTests {
    /// A POST is never re-sent behind pbxctl's back: libcurl silently repeats a request
    /// whose kept-alive connection turns out dead, so a create goes on a fresh one.
    func testCreateIsNeverResentOnADeadReusedConnection() throws {
        let sandbox = try SandboxProcess(arguments: ["--hostile", "drop-reused-post", "--users", "3"])
        defer { sandbox.stop() }
        let file = PBX.temporaryDirectory() + "/one.csv"
        try ("name,display_name,email,role,extension_number,password,extension_password,voicemail_pin\n"
            + "reuse.user,Reuse,reuse@example.com,StandardUser,8801,Pass#1x,Sip#1x,385920\n").write(toFile: file, atomically: true, encoding: .utf8)
        // --skip-existing reads the users first (a GET), so a connection is kept alive for the POST.
        let result = PBX.run(["users", "import", file, "--skip-existing", "--concurrency", "1"], env: sandbox.env())
        XCTAssertEqual(try sandbox.stats().operations["createUser"], 1, "the create was served exactly once: \(result.stderr)")
        XCTAssertEqual(result.code, 0, result.stderr)
        let posts = try sandbox.requests().filter { $0.target.hasPrefix("POST ") }
        XCTAssertEqual(posts.count, 1, "\(posts)")
    }
}
