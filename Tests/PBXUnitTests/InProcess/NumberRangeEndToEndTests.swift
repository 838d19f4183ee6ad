import Foundation
import XCTest

/// Every number has a documented range; outside it, exit 2 with a message naming the
/// flag or variable, nothing sent, no trap.
final class NumberRangeEndToEndTests: XCTestCase {
    func testOutOfRangeNumbersAreUsageErrors() {
        let env = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"])
        let cases: [([String], String)] = [
            (["users", "list", "--timeout", "1e16"], "--timeout"),
            (["users", "list", "--timeout", "0.0001"], "--timeout"),
            (["users", "list", "--timeout", "0"], "--timeout"),
            (["users", "list", "--timeout", "-1"], "--timeout"),
            (["users", "list", "--retries", "9223372036854775807"], "--retries"),
            (["users", "list", "--retries", "-1"], "--retries"),
            (["users", "list", "--retries", "101"], "--retries"),
            (["users", "list", "--limit", "0"], "--limit"),
            (["users", "list", "--limit", "9223372036854775807"], "--limit"),
            (["users", "list", "--page-size", "101"], "--page-size"),
            (["cdrs", "list", "--limit", "-3"], "--limit"),
            (["users", "import", "/dev/null", "--concurrency", "9223372036854775807"], "--concurrency"),
            (["registration", "check", "1001", "--wait", "1e300"], "--wait"),
            (["registration", "check", "1001", "--wait", "-1"], "--wait"),
        ]
        for (argv, flag) in cases {
            let result = InProcess.run(argv, env: env)
            XCTAssertEqual(result.code, 2, "\(argv): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(flag), "\(argv): \(result.stderr)")
        }
        for (name, value) in [("PBXCTL_BACKOFF_BASE_MS", "1e300"), ("PBXCTL_BACKOFF_BASE_MS", "-5"), ("PBXCTL_BACKOFF_BASE_MS", "nan"),
                              ("PBXCTL_MAX_BODY_MB", "0"), ("PBXCTL_MAX_BODY_MB", "99999999999999"), ("PBXCTL_MAX_BODY_MB", "x")] {
            let result = InProcess.run(["users", "list"], env: env.merging([name: value]) { $1 })
            XCTAssertEqual(result.code, 2, "\(name)=\(value): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(name), "\(name)=\(value): \(result.stderr)")
        }
    }

    /// Swift's Double() also reads hex, exponents, inf and nan: a number pbxctl takes is
    /// plain decimal, so `--timeout 0x10` is not 16 seconds.
    func testNumbersArePlainDecimal() {
        let env = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"])
        for value in ["0x10", "1e3", "inf", "nan", "Infinity", "0x1p4", " 5", "5 ", "1_000", "١٢", ".5", "10.", "1.2.3", "+", "-"] {
            for argv in [["users", "list", "--timeout", value], ["users", "list", "--max-time", value], ["registration", "check", "1001", "--wait", value]] {
                let result = InProcess.run(argv, env: env)
                XCTAssertEqual(result.code, 2, "\(argv): \(result.stderr)")
            }
            for name in ["PBXCTL_BACKOFF_BASE_MS", "PBXCTL_MAX_BODY_MB"] {
                let result = InProcess.run(["users", "list"], env: env.merging([name: value]) { $1 })
                XCTAssertEqual(result.code, 2, "\(name)=\(value): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(name), "\(name)=\(value): \(result.stderr)")
            }
        }
        for value in ["16", "2.5", "+3", "0.5"] {
            let result = InProcess.run(["users", "list", "--timeout", value, "--dry-run"], env: env)
            XCTAssertEqual(result.code, 0, "--timeout \(value): \(result.stderr)")
        }
        XCTAssertEqual(InProcess.run(["users", "list", "--dry-run"], env: env.merging(["PBXCTL_BACKOFF_BASE_MS": "20.5"]) { $1 }).code, 0)
    }
}
