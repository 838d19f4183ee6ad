import Foundation
import XCTest

/// Ctrl-C and SIGTERM end every loop within 100 ms (asserted with a generous 500 ms
/// for a loaded machine): paging, prefetch, streaming, import, waits, backoff sleeps.
final class InterruptEndToEndTests: XCTestCase {
    /// Starts pbxctl, waits `after` seconds, sends `signal`; returns the exit code and
    /// the seconds from the signal to the exit.
    func signalled(_ arguments: [String], env: [String: String], after: Double, signal: Int32 = SIGINT) throws -> (code: Int32, seconds: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PBX.binary)
        process.arguments = arguments
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        Thread.sleep(forTimeInterval: after)
        XCTAssertTrue(process.isRunning, "\(arguments) was still working when signalled")
        let sent = Date()
        kill(process.processIdentifier, signal)
        exited.wait()
        return (process.terminationStatus, Date().timeIntervalSince(sent))
    }

    func assertPrompt(_ arguments: [String], env: [String: String], after: Double = 0.8, signal: Int32 = SIGINT, file: StaticString = #filePath, line: UInt = #line) throws {
        let (code, seconds) = try signalled(arguments, env: env, after: after, signal: signal)
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
        try assertPrompt(["users", "import", file, "--concurrency", "4"], env: slow.env())

        // Pages arriving quickly, with a prefetch window in flight.
        let quick = try SandboxProcess(arguments: ["--latency", "200", "--users", "3000"])
        defer { quick.stop() }
        try assertPrompt(["users", "list", "--all", "-q", "--page-size", "10"], env: quick.env(), after: 1.0)

        // A long backoff sleep between retries.
        let failing = try SandboxProcess(arguments: ["--fail-rate", "1"])
        defer { failing.stop() }
        try assertPrompt(["users", "list", "--retries", "10"], env: failing.env(["PBXCTL_BACKOFF_BASE_MS": "5000"]))
    }

    func testInterruptedDownloadLeavesNoTemporaryFile() throws {
        let slow = try SandboxProcess(arguments: ["--latency", "600"])
        defer { slow.stop() }
        let dir = PBX.temporaryDirectory()
        // The signal lands while the file transfer waits (the second request).
        try assertPrompt(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav"], env: slow.env(), after: 0.9)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }
}
