import Foundation
import XCTest
import PBXClient

/// Waits are taken on the injected clock: a manual clock lets a test see a 7-second
/// Retry-After honoured, or `--max-time` reached, without spending the time.
final class ClockTests: XCTestCase {
    func client(_ transport: RetryPolicyTests.ScriptedTransport, clock: Clock, deadline: Date? = nil) -> APIClient {
        var settings = ClientSettings(retries: 3)
        settings.deadline = deadline
        return APIClient(connection: Connection(backend: "portsip", baseURL: "http://pbx/api", auth: .bearer("t")), transport: transport,
                         settings: settings, clock: clock, stdout: { _ in }, stderr: { _ in })
    }

    func testRetryAfterIsSleptOnTheClock() throws {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        let limited = HTTPResponse(status: 429, headers: [("Retry-After", "7")])
        let transport = RetryPolicyTests.ScriptedTransport([.success(limited), .success(HTTPResponse(status: 200, body: Array("{}".utf8)))])
        XCTAssertEqual(try client(transport, clock: clock).call("GET", "/users").status, 200)
        XCTAssertEqual(clock.slept, 7, accuracy: 0.001, "the Retry-After wait, taken on the clock")
        XCTAssertEqual(clock.now.timeIntervalSince1970, 1_800_000_007, accuracy: 0.001)
    }

    func testMaxTimeIsJudgedOnTheClock() {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        let limited = HTTPResponse(status: 429, headers: [("Retry-After", "7")])
        let transport = RetryPolicyTests.ScriptedTransport([.success(limited), .success(HTTPResponse(status: 200))])
        let deadline = clock.now.addingTimeInterval(5)
        XCTAssertThrowsError(try client(transport, clock: clock, deadline: deadline).call("GET", "/users")) { error in
            XCTAssertEqual((error as? APIError)?.code, "MAX_TIME")
        }
        XCTAssertEqual(transport.sent.count, 1, "no retry runs past --max-time")
        XCTAssertEqual(clock.slept, 0)
    }

    func testAManualClockMovesOnlyWhenToldOrSleptOn() {
        let clock = ManualClock(start: Date(timeIntervalSince1970: 0))
        clock.advance(by: 3600)
        clock.sleep(0.5)
        XCTAssertEqual(clock.now, Date(timeIntervalSince1970: 3600.5))
        XCTAssertEqual(clock.slept, 0.5)
    }
}
