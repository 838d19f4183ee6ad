import Foundation
import XCTest

/// `registration watch`, which runs until Ctrl-C, so in a real process signalled; the
/// checks run in-process (PBXUnitTests/InProcess/RegistrationProbeEndToEndTests.swift).
final class RegistrationProbeEndToEndTests: SandboxTestCase {
    func rocketEnv() -> [String: String] {
        PBX.environment(home: sandbox.home, extra: [
            "PBXCTL_ROCKETCHAT_URL": sandbox.baseURL + "/rocketchat", "PBXCTL_ROCKETCHAT_USER_ID": "rbAXPnMktTFbNpwtJ",
            "PBXCTL_ROCKETCHAT_AUTH_TOKEN": "sandbox-rocketchat-token",
        ])
    }

    func setDeviceState(_ state: String) throws {
        let encoded = state.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        _ = try sandbox.get("/_sandbox/rocketchat/state?state=\(encoded)", method: "POST")
    }

    func testWatchPrintsOneLinePerChangeUntilInterrupted() throws {
        let watch = try WatchedProcess(["registration", "watch", "1008", "1010", "--interval", "0.2"], env: env)
        defer { watch.stop() }
        var lines = try watch.waitForLines(2)
        XCTAssertEqual(lines.map { $0["extension"] as? String }, ["1008", "1010"])
        XCTAssertEqual(lines.map { $0["to"] as? String }, ["unregistered", "registered"])
        XCTAssertTrue(lines.allSatisfy { $0["from"] is NSNull }, "the first line of each has from null")
        XCTAssertEqual(lines[1]["contact"] as? String, "192.0.2.10:5060 (PortSIP UC Client Android 13.4)")

        _ = try sandbox.get("/_sandbox/portsip/registrations?extension=1008", method: "POST")
        lines = try watch.waitForLines(3)
        XCTAssertEqual(lines[2]["extension"] as? String, "1008")
        XCTAssertEqual(lines[2]["from"] as? String, "unregistered")
        XCTAssertEqual(lines[2]["to"] as? String, "registered")
        XCTAssertEqual(lines[2]["contact"] as? String, "198.51.100.7:5060 (Zoiper 5.6)")
        XCTAssertNotNil((lines[2]["time"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }, "an RFC 3339 time")

        let instance = PBX.run(["registration", "status", "1008", "-q"], env: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(PBX.run(["registration", "unregister", "1008", instance, "--yes"], env: env).code, 0)
        lines = try watch.waitForLines(4)
        XCTAssertEqual(lines[3]["from"] as? String, "registered")
        XCTAssertEqual(lines[3]["to"] as? String, "unregistered")
        XCTAssertTrue(lines[3]["contact"] is NSNull)

        let result = watch.interrupt()
        XCTAssertEqual(result.code, 130)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 4, "nothing printed while nothing changed: \(result.stdout)")
        XCTAssertTrue(result.stdout.hasSuffix("\n"), "every line complete")
    }

    func testWatchFollowsARocketChatDeviceState() throws {
        defer { try? setDeviceState("Not in use") }
        try setDeviceState("In use")
        let watch = try WatchedProcess(["registration", "watch", "1001", "--interval", "0.2"], env: rocketEnv())
        defer { watch.stop() }
        var lines = try watch.waitForLines(1)
        XCTAssertEqual(lines[0]["to"] as? String, "registered")
        try setDeviceState("Unavailable")
        lines = try watch.waitForLines(2)
        XCTAssertEqual(lines[1]["from"] as? String, "registered")
        XCTAssertEqual(lines[1]["to"] as? String, "unregistered")
        XCTAssertEqual(watch.interrupt().code, 130)
    }
}

/// pbxctl running in the background, its stdout read as it comes.
final class WatchedProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var output = Data()
    private var errors = Data()
    private let reading = DispatchGroup()

    init(_ arguments: [String], env: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: PBX.binary)
        process.arguments = arguments
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for (pipe, isOut) in [(out, true), (err, false)] {
            reading.enter()
            DispatchQueue.global().async { [self] in
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    if isOut { output.append(chunk) } else { errors.append(chunk) }
                    lock.unlock()
                }
                reading.leave()
            }
        }
    }

    var stdout: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: output, as: UTF8.self)
    }

    /// The complete JSON lines so far, once there are at least `count` (or a generous timeout).
    func waitForLines(_ count: Int, timeout: Double = 30) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let lines = stdout.split(separator: "\n").filter { _ in stdout.hasSuffix("\n") }
            if lines.count >= count {
                return try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            }
            if !process.isRunning { break }
            usleep(50_000)
        }
        lock.lock()
        let errText = String(decoding: errors, as: UTF8.self)
        lock.unlock()
        throw NSError(domain: "expected \(count) lines, got: \(stdout) stderr: \(errText)", code: 1)
    }

    func interrupt() -> (code: Int32, stdout: String) {
        process.interrupt()
        process.waitUntilExit()
        reading.wait()
        return (process.terminationStatus, stdout)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
