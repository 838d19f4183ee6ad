import PBXClient
import PBXEngine
import PBXJSON

/// PortSIP pagination arithmetic: walk skip/top until `count` (or `--limit`) is reached.
/// The server's `count` is a claim, not a plan: pages are planned one at a time, and a
/// short or empty page ends the walk whatever `count` said.
public struct PageWalker: Equatable {
    public let pageSize: Int
    public let limit: Int?
    public let all: Bool
    public let paged: Bool
    public private(set) var fetched = 0
    public private(set) var total: Int?
    private var finished = false
    private var endedShort = false
    private var lastRequested: Int?
    /// The previous page's item keys: a full page that repeats them exactly means the
    /// server is not moving through its list, and would send the same page forever
    /// under a count it never reaches.
    private var previousKeys: [String]?
    public private(set) var repeatedPage = false

    public init(pageSize: Int, limit: Int?, all: Bool, paged: Bool = true) {
        self.pageSize = pageSize
        self.limit = limit
        self.all = all
        self.paged = paged
    }

    /// The next page to ask for, or nil when done.
    public mutating func next() -> (skip: Int, top: Int)? {
        if finished { return nil }
        if let limit, fetched >= limit { return nil }
        if let total, fetched >= total { return nil }
        if fetched > 0, !all, limit == nil { return nil }
        if !paged, fetched > 0 { return nil }
        let wanted = limit.map { min(pageSize, $0 - fetched) } ?? pageSize
        lastRequested = max(1, wanted)
        return (fetched, max(1, wanted))
    }

    /// Records a page of `count` items, asked for with `top` (default: the last `next()`);
    /// returns how many of them to keep. `keys` (see `keys(of:idKey:)`) lets a page that
    /// repeats the previous one end the walk, none of it kept.
    public mutating func accept(count: Int, total: Int?, requested top: Int? = nil, keys: [String]? = nil) -> Int {
        if paged, let keys, !keys.isEmpty, keys == previousKeys {
            repeatedPage = true
            finished = true
            return 0
        }
        previousKeys = keys
        self.total = total ?? self.total
        var kept = count
        if let limit { kept = max(0, min(count, limit - fetched)) }
        fetched += kept
        if count == 0 || !paged { finished = true }
        if paged, let asked = top ?? lastRequested, count < asked {
            finished = true
            endedShort = true
        }
        return kept
    }

    /// The pages still to fetch once the total is known (the pages `next()` would give),
    /// planned lazily: a count of 10^15 costs nothing until pages are asked for.
    public func remainingPages() -> PagePlan {
        guard let total, paged, all || limit != nil, !finished else { return PagePlan(cursor: 0, end: 0, size: pageSize) }
        return PagePlan(cursor: fetched, end: min(total, limit ?? total), size: pageSize)
    }

    /// Items the server has beyond what was fetched, when known.
    public var remaining: Int? { total.map { max(0, $0 - fetched) } }

    /// Why the answers cannot all be true, when the pages ended before the count they
    /// announced was reached.
    public var contradiction: String? {
        if repeatedPage { return "the server sent the same page again after \(fetched) items: its pages do not advance" }
        guard endedShort, let total else { return nil }
        let expected = min(total, limit ?? total)
        guard fetched < expected else { return nil }
        return "the server counted \(total) items but its pages ended after \(fetched)"
    }

    /// What tells a page's items apart: each one's ID, or the whole item when it has none.
    public static func keys(of items: [JSON], idKey: String) -> [String] {
        items.map { item in
            switch item[idKey] {
            // The usual ids, a number or a string with nothing to escape, have a compact
            // form that needs no writer and no buffer: this runs for every item listed.
            case .number(let text)?: return text
            case .string(let text)? where !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }): return "\"" + text + "\""
            case let id?: return id.compactText
            case nil: return item.compactText
            }
        }
    }

    /// The `count` of a list answer: nil when absent, an error when it is not a
    /// non-negative integer.
    public static func count(in json: JSON, backend: String = "portsip") throws -> Int? {
        guard let value = json["count"] else { return nil }
        return try count(of: value, backend: backend)
    }

    /// A list answer's `count` value as a non-negative integer, or the error `count(in:)` gives.
    public static func count(of value: JSON, backend: String = "portsip") throws -> Int {
        guard let count = value.intValue, count >= 0 else {
            throw APIError(kind: .malformed, code: "MALFORMED", message: "the list answer's count is not a non-negative integer: \(value.compactText.prefix(40))", backend: backend)
        }
        return count
    }
}
