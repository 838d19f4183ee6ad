import Foundation
import XCTest
import PBXClient

/// The one worker pool: each index once, in order, never more threads than allowed.
final class WorkerPoolTests: XCTestCase {
    /// What the workers saw, under a lock.
    final class Record: @unchecked Sendable {
        private let lock = NSLock()
        private var order: [Int] = []
        private var busy = 0
        private(set) var mostBusy = 0

        func begin(_ index: Int) {
            lock.withLock {
                order.append(index)
                busy += 1
                mostBusy = max(mostBusy, busy)
            }
        }
        func end() { lock.withLock { busy -= 1 } }
        var seen: [Int] { lock.withLock { order } }
        var peak: Int { lock.withLock { mostBusy } }
    }

    func testEveryIndexRunsOnceOnAtMostTheWorkersAllowed() {
        for workers in [1, 3, 64] {
            let record = Record()
            let taken = WorkerPool.forEach(200, workers: workers, stop: { false }) { index in
                record.begin(index)
                record.end()
            }
            XCTAssertEqual(taken, 200)
            XCTAssertEqual(record.seen.sorted(), Array(0..<200), "workers \(workers)")
            XCTAssertLessThanOrEqual(record.peak, workers)
        }
    }

    func testOneWorkerTakesIndexesInOrder() {
        let record = Record()
        WorkerPool.forEach(50, workers: 1, stop: { false }) { record.begin($0); record.end() }
        XCTAssertEqual(record.seen, Array(0..<50))
    }

    /// Once stopped, no index is taken any more; those after the count returned never ran.
    func testStopEndsTakingAndSaysHowFarItGot() {
        let record = Record()
        let taken = WorkerPool.forEach(100, workers: 4, stop: { record.seen.count >= 10 }) { index in
            record.begin(index)
            record.end()
        }
        XCTAssertGreaterThanOrEqual(taken, 10)
        XCTAssertLessThan(taken, 100)
        XCTAssertEqual(record.seen.sorted(), Array(0..<taken), "exactly the indexes taken ran, each once")
    }

    func testNoWorkStartsNoIndex() {
        XCTAssertEqual(WorkerPool.forEach(0, workers: 8) { _ in XCTFail("nothing to run") }, 0)
    }

    func testStartWorkerRefusesPastTheMaximum() {
        let pool = WorkerPool(maximum: 1)
        let release = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.startWorker { release.wait() })
        XCTAssertFalse(pool.startWorker { XCTFail("a second worker ran") })
        release.signal()
        pool.join()
        let ran = Record()
        XCTAssertTrue(pool.startWorker { ran.begin(0) }, "a finished worker frees its place")
        pool.join()
        XCTAssertEqual(ran.seen, [0])
    }
}
