import Foundation
import XCTest

/// Secrets never reach a core file: the process's own limit, so a real process (the
/// rest of Secrets runs in-process).
final class SecretsEndToEndTests: XCTestCase {

    func testCoreDumpsAreDisabled() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Raise the soft limit first, so the test shows pbxctl itself lowers it.
        process.arguments = ["-c", "ulimit -c unlimited 2>/dev/null || ulimit -c $(ulimit -H -c); exec \"$0\" sandbox --port 0", PBX.binary]
        process.environment = PBX.environment(home: PBX.temporaryDirectory())
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.interrupt()
            process.waitUntilExit()
        }
        var seen = ""
        while !seen.contains("listening on") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let limits = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
        let line = try XCTUnwrap(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        XCTAssertEqual(fields[4], "0", "soft limit: \(line)")
    }
}
