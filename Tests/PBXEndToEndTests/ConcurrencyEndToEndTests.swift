import Foundation
import XCTest

extension PBX {
    /// Starts every command line at once, then waits for all: real processes racing
    /// for the same config and credentials files.
    static func runTogether(_ commands: [[String]], env: [String: String], stdin: String? = nil) throws -> [Result] {
        let running = try commands.map { try start($0, env: env, stdin: stdin) }
        return running.map { finish($0.0, out: $0.1, err: $0.2) }
    }
}

/// Many processes sharing one profile's files: one token refresh, no lost writes, no
/// crash (many workers of one process: PBXUnitTests/InProcess).
final class ConcurrencyEndToEndTests: SandboxTestCase {
    func refreshes() throws -> Int { try sandbox.stats().operations["refreshToken"] ?? 0 }

    func expireTokens() throws { _ = try sandbox.get("/_sandbox/portsip/expire-tokens", method: "POST") }

    func testParallelLoginsToDifferentProfilesKeepEveryToken() throws {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        let names = (1...20).map { "p\($0)" }
        let set = try PBX.runTogether(names.map { ["config", "set", $0, "--type", "portsip", "--url", sandbox.baseURL + "/portsip", "username=admin"] }, env: env)
        XCTAssertEqual(set.map(\.code), Array(repeating: 0, count: 20), set.map(\.stderr).joined())
        let logins = try PBX.runTogether(names.map { ["login", "-p", $0, "--password-stdin"] }, env: env, stdin: "sandbox\n")
        XCTAssertEqual(logins.map(\.code), Array(repeating: 0, count: 20), logins.map(\.stderr).joined())
        let credentials = try String(contentsOfFile: home + "/.config/pbxctl/credentials", encoding: .utf8)
        XCTAssertEqual(credentials.split(separator: "\n").filter { $0.hasPrefix("token = ") }.count, 20, credentials)
        XCTAssertEqual(PBX.run(["config", "list", "-q"], env: env).stdout.split(separator: "\n").count, 20)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home + "/.config/pbxctl").filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }

    func testProcessesSharingAnExpiredTokenRefreshOnce() throws {
        let (_, env) = sandbox.loggedIn()
        try expireTokens()
        let before = try refreshes()
        let results = try PBX.runTogether(Array(repeating: ["users", "get", "1001", "-q", "-p", "lab"], count: 10), env: env)
        XCTAssertEqual(results.map(\.code), Array(repeating: 0, count: 10), results.map(\.stderr).joined())
        XCTAssertEqual(try refreshes() - before, 1, "one process refreshed, the others used its token")
    }
}
