import Foundation
import PBXEngine
import PBXJSON

/// Renders batches of items on a thread of its own, in the order given, so that
/// parsing the next part of a long answer overlaps rendering and writing the part
/// before. At most `depth` batches wait, so memory stays bounded; after a failure
/// (output that cannot be written) nothing more is rendered and the failure is
/// thrown to the producer.
///
/// Sendable by `condition`: it guards the queue and the flags, and `render` runs only
/// on the render thread, whose end `finish()` waits for under `condition` before the
/// producer touches what `render` captured again.
final class BackgroundRenderer: @unchecked Sendable {
    private let condition = NSCondition()
    private let render: ([JSON]) throws -> Void
    private var queue: [[JSON]] = []
    private var closed = false
    private var finished = false
    private var failure: Error?
    private let depth: Int

    init(depth: Int = 4, render: @escaping ([JSON]) throws -> Void) {
        self.depth = depth
        self.render = render
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while queue.isEmpty, !closed { condition.wait() }
                if queue.isEmpty {
                    finished = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let batch = queue.removeFirst()
                let failed = failure != nil
                condition.broadcast()
                condition.unlock()
                if failed { continue }
                do {
                    try self.render(batch)
                } catch {
                    condition.lock()
                    failure = error
                    condition.broadcast()
                    condition.unlock()
                }
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues a batch, waiting while `depth` are queued; throws the renderer's failure.
    func submit(_ batch: [JSON]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth, failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    /// Waits until every queued batch is rendered and the thread has ended; throws the
    /// renderer's failure. Call it on every path out.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        if let failure { throw failure }
    }
}
