import Foundation
import XCTest

/// Ctrl-C and SIGTERM end every loop within 100 ms (asserted with a generous 500 ms
/// for a loaded machine): paging, prefetch, streaming, import, waits, backoff sleeps.
final class InterruptEndToEndTests: XCTestCase {
    /// Signals pbxctl once its trace shows `marker` `count` times (see `PBX.signalled`).
    func assertPrompt(_ arguments: [String], env: [String: String], once marker: String = "> GET ", count: Int = 1, signal: Int32 = SIGINT,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let (code, seconds, _) = try PBX.signalled(arguments, env: env, once: marker, count: count, signal: signal, file: file, line: line)
        XCTAssertTrue([130, 143].contains(code), "\(arguments): exit \(code)", file: file, line: line)
        XCTAssertLessThan(seconds, 0.5, "\(arguments) took \(seconds)s to stop", file: file, line: line)
    }

    func testEveryLoopStopsPromptly() throws {
        // Every answer takes 3 s: the signal always lands while a transfer waits.
        let slow = try SandboxProcess(arguments: ["--latency", "3000", "--users", "1000"])
        defer { slow.stop() }
        try assertPrompt(["users", "list", "--all", "-q"], env: slow.env())
        try assertPrompt(["users", "list", "--all", "-q"], env: slow.env(), signal: SIGTERM)
        try assertPrompt(["cdrs", "list", "-o", "jsonl"], env: slow.env())
        try assertPrompt(["registration", "check", "1005", "--wait", "30"], env: slow.env())
        let rows = ["name,display_name,email,role,extension_number,password,extension_password,voicemail_pin,office_hours.mode"]
            + (1...20).map { "int.user\($0),Int \($0),int\($0)@example.com,StandardUser,\(8600 + $0),Pass#\($0),Sip#\($0),385920," }
        let file = PBX.temporaryDirectory() + "/users.csv"
        try rows.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try assertPrompt(["users", "import", file, "--concurrency", "4"], env: slow.env(), once: "> POST ")

        // Pages arriving quickly, with a prefetch window in flight: signalled once three have come.
        let quick = try SandboxProcess(arguments: ["--latency", "200", "--users", "3000"])
        defer { quick.stop() }
        try assertPrompt(["users", "list", "--all", "-q", "--page-size", "10"], env: quick.env(), once: "< 200 ", count: 3)

        // A long backoff sleep between retries: signalled once the first 503 has come.
        let failing = try SandboxProcess(arguments: ["--fail-rate", "1"])
        defer { failing.stop() }
        try assertPrompt(["users", "list", "--retries", "10"], env: failing.env(["PBXCTL_BACKOFF_BASE_MS": "5000"]), once: "< 503 ")
    }

    func testInterruptedDownloadLeavesNoTemporaryFile() throws {
        let slow = try SandboxProcess(arguments: ["--latency", "600"])
        defer { slow.stop() }
        let dir = PBX.temporaryDirectory()
        // The signal lands while the file transfer waits (the second request).
        try assertPrompt(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav"], env: slow.env(), count: 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }
}
