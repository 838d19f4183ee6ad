import Foundation

/// How many requests a bulk run (paging, import) keeps in flight, chosen from what the
/// server does rather than fixed: over a distant link a run is bound by round trips, so
/// more at once is faster, until the server pushes back.
///
/// Additive increase, multiplicative decrease, as TCP does with its window:
/// - it starts at `initial`; while no answer has been refused it grows by one per fast
///   answer (doubling per round trip), afterwards by one per round trip;
/// - an answer counts as fast when it took at most twice the fastest one seen (plus a
///   few milliseconds): a slower answer means the server is queueing, so it stops
///   growing;
/// - a 429 or 503 halves it (never below 1), once per round of requests: refusals of
///   requests that were sent before the cut do not cut again;
/// - just below the level that was last refused it grows eight times slower, so a
///   server with a fixed limit sees a probe past it every few dozen requests rather
///   than every few; once past that level without a refusal, it grows as before;
/// - it never exceeds `maximum`.
///
/// A retried request goes through here again, so a retry waits for a free slot under
/// the reduced limit instead of adding to the crowd.
///
/// Sendable by `condition`, which guards the limit, the slots in use and the statistics.
public final class AdaptiveConcurrency: @unchecked Sendable {
    /// Where every run starts: moderate, what a small PBX takes without complaint.
    public static let initial = 4
    /// The cap for `users import` (and the most `--concurrency` allows).
    public static let importMaximum = 32
    /// The cap for fetching pages of a list.
    public static let pagingMaximum = 16
    public let maximum: Int
    private let condition = NSCondition()
    private var limit: Double
    private var inFlight = 0
    private var growingFast = true
    private var fastest = Double.infinity
    /// The limit at the last cut, until it is passed without a refusal.
    private var refusedAt: Double?
    /// Bumped by each cut; a refusal of a request sent before the current cut is not another signal.
    private var epoch = 0
    /// The largest limit reached and the number of cuts, for `-v` and tests.
    public private(set) var peak: Int
    public private(set) var cuts = 0

    public struct Ticket: Sendable {
        let epoch: Int
        let started: Date
    }

    public init(initial: Int, maximum: Int) {
        self.maximum = max(1, maximum)
        limit = Double(min(max(1, initial), self.maximum))
        peak = Int(limit)
    }

    /// The number of requests currently allowed at once.
    public var current: Int {
        condition.lock()
        defer { condition.unlock() }
        return Int(limit)
    }

    /// Waits for a free slot. Ctrl-C ends the wait.
    public func acquire() throws -> Ticket {
        condition.lock()
        defer { condition.unlock() }
        while inFlight >= Int(limit) {
            if Interrupt.process.isRequested { throw TransportError.interrupted }
            _ = condition.wait(until: Date().addingTimeInterval(0.05))
        }
        inFlight += 1
        return Ticket(epoch: epoch, started: Date())
    }

    /// Gives the slot back with what became of the request: its HTTP status, or nil
    /// when no answer came (a network error tells nothing about load).
    public func release(_ ticket: Ticket, status: Int?) {
        let seconds = Date().timeIntervalSince(ticket.started)
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        inFlight -= 1
        guard let status else { return }
        if status == 429 || status == 503 {
            guard ticket.epoch == epoch else { return }
            epoch += 1
            cuts += 1
            growingFast = false
            refusedAt = limit
            limit = max(1, (limit / 2).rounded(.down))
            return
        }
        fastest = min(fastest, seconds)
        guard seconds <= fastest * 2 + 0.005 else {
            growingFast = false
            return
        }
        if growingFast {
            limit += 1
        } else if let refusedAt, limit + 1 >= refusedAt {
            limit += 1 / (limit * 8)
            if limit >= refusedAt + 1 { self.refusedAt = nil }
        } else {
            limit += 1 / limit
        }
        limit = min(Double(maximum), limit)
        peak = max(peak, Int(limit))
    }
}
