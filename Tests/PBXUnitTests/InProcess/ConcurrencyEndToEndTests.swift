import Foundation
import XCTest

/// Many workers of one process sharing one profile: one token refresh, no lost writes
/// (many processes racing: PBXEndToEndTests).
final class ConcurrencyEndToEndTests: InProcessSandboxTestCase {
    func refreshes() throws -> Int { try sandbox.stats().operations["refreshToken"] ?? 0 }

    func expireTokens() throws { _ = try sandbox.get("/_sandbox/portsip/expire-tokens", method: "POST") }

    func testImportWithManyWorkersRefreshesOnce() throws {
        let (home, env) = sandbox.loggedIn()
        let header = "name,display_name,email,role,extension_number,password,extension_password,voicemail_pin"
        let rows = (1...64).map { "conc.user\($0),Concurrent \($0),conc\($0)@example.com,StandardUser,\(9100 + $0),Pass#\($0)x,Sip#\($0)x,385920" }
        let file = home + "/users.csv"
        try ([header] + rows).joined(separator: "\n").appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        try expireTokens()
        let before = try refreshes()
        let result = InProcess.run(["users", "import", file, "--concurrency", "32", "-p", "lab"], env: env)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("created 64, skipped 0, failed 0"), result.stderr)
        XCTAssertEqual(try refreshes() - before, 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home + "/.config/pbxctl").filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }
}
