import Foundation

/// Where time comes from: token lifetimes, backoff, `--max-time`. Injected so that a
/// test can let an hour pass without waiting for it.
public protocol Clock: Sendable {
    var now: Date { get }
    /// Waits `seconds`; callers that must notice Ctrl-C sleep in short steps.
    func sleep(_ seconds: Double)
}

/// The real time of the machine.
public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        usleep(UInt32(min(seconds, 4000) * 1_000_000))
    }
}

/// A clock that moves only when told to, or when something sleeps on it: a sleep
/// returns at once, having moved time forward by its length. Shared by a test's
/// client and sandbox, so a token issued by one expires for both.
/// Sendable by `lock`, which guards the time and the total slept.
public final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var totalSlept: Double = 0

    public init(start: Date = Date()) { current = start }

    public var now: Date { lock.withLock { current } }

    public func advance(by seconds: Double) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    public func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        lock.withLock {
            current = current.addingTimeInterval(seconds)
            totalSlept += seconds
        }
    }

    /// What all sleeps added up to, so a test can assert a wait happened without taking it.
    public var slept: Double { lock.withLock { totalSlept } }
}
