import PBXEngine

/// Pages to fetch, one after another, made on demand.
public struct PagePlan: Equatable {
    var cursor: Int
    let end: Int
    let size: Int

    public mutating func next() -> (skip: Int, top: Int)? {
        guard cursor < end else { return nil }
        let top = Swift.min(size, end - cursor)
        defer { cursor += top }
        return (cursor, top)
    }

    /// True when at least two pages are left (worth prefetching).
    public var hasSeveral: Bool { end - cursor > size }
}
