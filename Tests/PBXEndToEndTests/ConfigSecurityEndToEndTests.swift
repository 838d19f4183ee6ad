import Foundation
import XCTest

/// `pbxctl sandbox` on a non-loopback address warns: a real listener, so a real process
/// (the rest of ConfigSecurity runs in-process).
final class ConfigSecurityEndToEndTests: XCTestCase {

    // MARK: injection

    // MARK: profile names

    // MARK: Vonage region and plain http

    // MARK: who may write the files

    // MARK: sandbox

    func testSandboxOnANonLoopbackAddressWarns() throws {
        func stderrOf(host: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PBX.binary)
            process.arguments = ["sandbox", "--host", host, "--port", "0"]
            process.environment = PBX.environment(home: PBX.temporaryDirectory())
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            var seen = ""
            while !seen.contains("listening on") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            process.interrupt()
            process.waitUntilExit()
            return String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        XCTAssertTrue(try stderrOf(host: "0.0.0.0").contains("reachable from other machines"))
        XCTAssertFalse(try stderrOf(host: "127.0.0.1").contains("reachable from other machines"))
        let unusable = PBX.run(["sandbox", "--host", "not an ip", "--port", "0"], env: PBX.environment(home: PBX.temporaryDirectory()))
        XCTAssertNotEqual(unusable.code, 0)
        XCTAssertFalse(unusable.stderr.contains("warning:"), "an address that cannot be used gets its error alone: \(unusable.stderr)")
    }
}
