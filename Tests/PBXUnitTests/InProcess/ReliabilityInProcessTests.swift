import Foundation
import XCTest

/// Retries under injected faults, at-most-once creates, token refresh and bad answers
/// (docs/reliability.md's figures), run in-process: the rate limit's Retry-After and
/// the token lifetimes pass on the manual clock. Interrupts and TLS need a real
/// process and stay in PBXEndToEndTests/ReliabilityEndToEndTests.swift.
final class ReliabilityInProcessTests: XCTestCase {
    /// 1,000 users in 10 pages under 10% 503s, 5% dropped connections and a rate limit
    /// of 3 requests a second (429 + Retry-After): every user exactly once.
    func testListAllSurvivesFaultsExactly() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "1000", "--fail-rate", "0.1", "--drop-rate", "0.05", "--rate-limit", "3", "--fault-seed", "7"])
        defer { sandbox.stop() }
        let result = InProcess.run(["users", "list", "--all", "-q", "--retries", "6"], env: sandbox.env())
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
        let sandbox = try InProcessSandbox(arguments: ["--drop-rate", "1"])
        defer { sandbox.stop() }
        let create = InProcess.run(["users", "create", "--name", "once.only", "--display-name", "Once", "--email", "once@example.com", "--role", "StandardUser",
                              "--extension", "7401", "-f", "password=p", "-f", "extension_password=q", "-f", "voicemail_pin=385920", "--retries", "5"], env: sandbox.env())
        XCTAssertEqual(create.code, 5, create.stderr)
        XCTAssertEqual(try sandbox.stats().operations["createUser"], 1, "sent once, not retried")

        let failing = try InProcessSandbox(arguments: ["--fail-rate", "1"])
        defer { failing.stop() }
        let refused = InProcess.run(["users", "create", "--name", "not.made", "--display-name", "No", "--email", "no@example.com", "--role", "StandardUser",
                               "--extension", "7402", "-f", "password=p", "-f", "extension_password=q", "-f", "voicemail_pin=385920", "--retries", "5", "-v"], env: failing.env())
        XCTAssertEqual(refused.code, 1)
        XCTAssertEqual(refused.stderr.components(separatedBy: "> POST ").count - 1, 1, "a POST answered 503 is not retried")
        XCTAssertTrue(refused.stderr.contains("503"), refused.stderr)
        let reads = InProcess.run(["users", "get", "1001", "--retries", "3", "-v"], env: failing.env())
        XCTAssertEqual(reads.code, 1)
        XCTAssertEqual(reads.stderr.components(separatedBy: "> GET ").count - 1, 4, "a GET is tried 1 + --retries times")
    }

    func testExpiredTokenIsRefreshedExactlyOnce() throws {
        let sandbox = try InProcessSandbox(arguments: ["--token-ttl", "1"])
        defer { sandbox.stop() }
        let (home, env) = sandbox.loggedIn()
        InProcess.clock.advance(by: 1.5)
        let result = InProcess.run(["users", "list", "--limit", "3", "-q"], env: env)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(try sandbox.stats().operations["refreshToken"], 1)
        // Both tokens stale: one refresh attempt fails, and the message says what to do.
        let credentials = home + "/.config/pbxctl/credentials"
        let text = try String(contentsOfFile: credentials, encoding: .utf8)
        try text.replacingOccurrences(of: "refresh_token = rt-", with: "refresh_token = stale-").write(toFile: credentials, atomically: true, encoding: .utf8)
        chmod(credentials, 0o600)
        InProcess.clock.advance(by: 1.5)
        let expired = InProcess.run(["users", "list"], env: env)
        XCTAssertEqual(expired.code, 3)
        XCTAssertTrue(expired.stderr.contains("run pbxctl login"), expired.stderr)
        XCTAssertEqual(try sandbox.stats().operations["refreshToken"], 2)
    }

    func testBadAnswersGiveClearErrorsNotCrashes() throws {
        let sandbox = try InProcessSandbox()
        defer { sandbox.stop() }
        let cases: [(String, String)] = [
            ("html", "502"), ("html200", "not valid JSON (text/html"), ("truncated", "not valid JSON"), ("wrongtype", "expected {\"count\", \"items\"}"),
            ("empty", "expected {\"count\", \"items\"}"), ("huge", "larger than 1048576 bytes"), ("notjsonerror", "java.lang.NullPointerException"),
        ]
        for (kind, needle) in cases {
            let env = InProcess.environment(home: sandbox.home, extra: ["PBXCTL_URL": sandbox.baseURL + "/_broken/" + kind, "PBXCTL_TOKEN": "t", "PBXCTL_MAX_BODY_MB": "1"])
            let result = InProcess.run(["users", "list", "--retries", "0"], env: env)
            XCTAssertEqual(result.code, 1, "\(kind): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("pbxctl: error: "), kind)
            XCTAssertTrue(result.stderr.contains(needle), "\(kind): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal error") || result.stderr.contains("Stack dump"), kind)
        }
        let empty = InProcess.run(["users", "get", "X"], env: InProcess.environment(home: sandbox.home, extra: ["PBXCTL_URL": sandbox.baseURL + "/_broken/empty", "PBXCTL_TOKEN": "t"]))
        XCTAssertEqual(empty.code, 1)
        XCTAssertTrue(empty.stderr.contains("empty"), empty.stderr)
    }
}
