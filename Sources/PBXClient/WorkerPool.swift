import Foundation

/// The threads of a bulk run (page prefetching, import's creates, apply's changes, a
/// fleet's profiles): at most `maximum` at once, each started only when asked for, so a
/// run whose requests are gated low (`AdaptiveConcurrency`) never holds idle threads.
/// Threads, not Dispatch: a worker blocks in libcurl for a whole request, and blocked
/// work items would make Dispatch's pool grow without bound.
///
/// Sendable by `condition`, which guards the count of running workers.
public final class WorkerPool: @unchecked Sendable {
    public let maximum: Int
    /// Import and apply give each worker 1 MiB; nil leaves the system's default.
    let stackSize: Int?
    private let condition = NSCondition()
    private var running = 0

    public init(maximum: Int, stackSize: Int? = nil) {
        self.maximum = max(1, maximum)
        self.stackSize = stackSize
    }

    /// Starts one more worker running `body`, unless `maximum` are running; returns
    /// whether it did.
    @discardableResult
    public func startWorker(_ body: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        guard running < maximum else {
            condition.unlock()
            return false
        }
        running += 1
        condition.unlock()
        let thread = Thread { [self] in
            body()
            condition.lock()
            running -= 1
            condition.broadcast()
            condition.unlock()
        }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
        return true
    }

    /// Returns once every worker started has returned.
    public func join() {
        condition.lock()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    /// Runs `work` for 0..<count on at most `workers` threads. Indexes are taken in
    /// ascending order, each by one worker only; once `stop` says so, none is taken any
    /// more. Returns how many were taken (those from there on never ran).
    @discardableResult
    public static func forEach(_ count: Int, workers: Int, stackSize: Int? = nil,
                               stop: @escaping @Sendable () -> Bool = { Interrupt.process.isRequested },
                               _ work: @escaping @Sendable (Int) -> Void) -> Int {
        let pool = WorkerPool(maximum: min(workers, max(count, 1)), stackSize: stackSize)
        let next = NextIndex(below: count)
        for _ in 0..<pool.maximum {
            pool.startWorker {
                while !stop(), let index = next.take() { work(index) }
            }
        }
        pool.join()
        return next.taken
    }

    /// The next index to hand out. Sendable by `lock`, a lock of its own.
    final class NextIndex: @unchecked Sendable {
        private let lock = NSLock()
        private let end: Int
        private var value = 0

        init(below end: Int) { self.end = end }

        func take() -> Int? {
            lock.withLock {
                guard value < end else { return nil }
                value += 1
                return value - 1
            }
        }

        var taken: Int { lock.withLock { value } }
    }
}
