import Foundation
import PBXEngine

/// One slot per unit of work, written by the worker threads and read when they are done
/// (a fleet run's outcome per profile, an apply's status per change).
/// Sendable by `lock`, which guards the slots.
final class LockedSlots<Element>: @unchecked Sendable {
    // `values` is only touched with `lock` held.
    private let lock = NSLock()
    private var values: [Element]

    init(_ values: [Element]) { self.values = values }

    func set(_ index: Int, _ value: Element) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    var all: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
