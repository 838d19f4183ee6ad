import Foundation
import XCTest
import PBXClient

/// The one interrupt API, driven by a flag of the test's own: a real SIGINT would
/// start CCurl's watchdog, which ends the process.
final class InterruptTests: XCTestCase {
    /// A flag that turns on at the `after`-th look, counting the looks.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var looks = 0
        private let after: Int
        init(after: Int) { self.after = after }
        func look() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            looks += 1
            return looks >= after
        }
        var count: Int {
            lock.lock()
            defer { lock.unlock() }
            return looks
        }
    }

    func assertInterrupted(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? APIError)?.kind, .interrupted, "\(error)", file: file, line: line)
            XCTAssertEqual((error as? APIError)?.exitCode, 130, file: file, line: line)
        }
    }

    func testCheckThrowsOnlyOnceRequested() throws {
        let quiet = Interrupt(requested: { false })
        XCTAssertFalse(quiet.isRequested)
        try quiet.check()
        let pressed = Interrupt(requested: { true })
        XCTAssertTrue(pressed.isRequested)
        assertInterrupted { try pressed.check() }
    }

    /// An hour's sleep ends at the Ctrl-C that comes during it (were it not, the test
    /// would hang, not pass).
    func testSleepEndsAtCtrlC() {
        let flag = Flag(after: 4)
        let interrupt = Interrupt(requested: { flag.look() })
        assertInterrupted { try interrupt.sleep(3600) }
        XCTAssertEqual(flag.count, 4, "it looked until the flag was set, then stopped")
    }

    func testSleepEndsAtTheDeadlineWithoutThrowing() throws {
        let interrupt = Interrupt(requested: { false })
        try interrupt.sleep(3600, deadline: Date())
        try interrupt.sleep(3600, deadline: .distantPast)
        try interrupt.sleep(0)
        try interrupt.sleep(-1)
    }

    func testACtrlCBeforeOrAtTheEndOfASleepIsStillReported() {
        assertInterrupted { try Interrupt(requested: { true }).sleep(0) }
        assertInterrupted { try Interrupt(requested: { true }).sleep(3600, deadline: .distantPast) }
    }

    func testTheProcessHasNotBeenInterrupted() {
        XCTAssertFalse(Interrupt.process.isRequested)
    }
}
