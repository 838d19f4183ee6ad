import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// Which calls `cdrs list` keeps. PortSIP's CDR lists take no query parameters, so the
/// filters run here, on each record as it streams in.
struct CDRFilter {
    var since: Date?
    var until: Date?
    var extensionNumber: String?

    /// `--since`/`--until`: an RFC 3339 time, or a date (UTC). A date in `--until`
    /// includes that whole day; a time is exclusive.
    static func time(_ text: String, flag: String, endOfDay: Bool) throws -> Date {
        if let time = RFC3339.parse(text) { return time }
        let isDate = text.utf8.count == 10 && text.enumerated().allSatisfy { index, char in index == 4 || index == 7 ? char == "-" : char.isASCII && char.isNumber }
        if isDate, let midnight = RFC3339.parse(text + "T00:00:00Z") {
            return endOfDay ? midnight.addingTimeInterval(86_400) : midnight
        }
        throw APIError.usage("--\(flag) '\(text)' is not a date (2026-11-22) or an RFC 3339 time (2026-11-22T08:00:00Z)")
    }

    init(_ line: ParsedCommandLine) throws {
        since = try line[CDRListCommand.since].map { try Self.time($0, flag: "since", endOfDay: false) }
        until = try line[CDRListCommand.until].map { try Self.time($0, flag: "until", endOfDay: true) }
        if let since, let until, since >= until { throw APIError.usage("--since must be before --until") }
        if let number = line[CDRListCommand.extensionNumber] {
            guard !number.isEmpty, number.count <= 64, !number.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw APIError.usage("--extension must be a number without spaces")
            }
            extensionNumber = number
        }
    }

    /// No filter set: every record is kept.
    var keepsEverything: Bool { since == nil && until == nil && extensionNumber == nil }

    static func started(_ record: JSON) -> Date? { record["started_at"]?.stringValue.flatMap(RFC3339.parse) }

    /// A call without a readable start time cannot be placed in a time window, so a
    /// window leaves it out.
    func keeps(_ record: JSON) -> Bool {
        if let extensionNumber, record["caller"]?.stringValue != extensionNumber, record["callee"]?.stringValue != extensionNumber { return false }
        if since == nil, until == nil { return true }
        guard let started = Self.started(record) else { return false }
        if let since, started < since { return false }
        if let until, started >= until { return false }
        return true
    }
}

/// The newest `capacity` records seen so far, newest first: memory stays bounded by
/// `--last N` however long the list is. Records without a readable start time count
/// as the oldest; of two that started at the same time, the later in the list is newer.
struct NewestRecords {
    let capacity: Int
    private(set) var items: [(started: Date, record: JSON)] = []

    init(capacity: Int) { self.capacity = capacity }

    mutating func offer(_ record: JSON) {
        let started = CDRFilter.started(record) ?? .distantPast
        if items.count == capacity, let oldest = items.last, started < oldest.started { return }
        // First position whose record is older or as old: the new one goes before it.
        var low = 0, high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle].started > started { low = middle + 1 } else { high = middle }
        }
        items.insert((started, record), at: low)
        if items.count > capacity { items.removeLast() }
    }

    var records: [JSON] { items.map(\.record) }
}

/// `cdrs list` with client-side filters, and `--tenant` for the admin's `GET /cdrs`.
enum CDRListCommand {
    static let columns = ["started_at", "caller", "callee", "direction", "duration", "end_reason"]

    static let since = FlagKey<String?>.string("since", value: "TIME", help: "calls started at or after TIME: a date (UTC) or an RFC 3339 time")
    static let until = FlagKey<String?>.string("until", value: "TIME", help: "calls started before TIME, or on or before a date (UTC)")
    static let last = FlagKey<Int?>.int("last", value: "N", in: 1...1_000_000, help: "only the newest N calls, newest first")
    static let extensionNumber = FlagKey<String?>.string("extension", value: "EXT", help: "calls EXT made or took (caller or callee)")
    static let tenant = FlagKey<Bool>.bool("tenant", help: "every extension's calls (GET /cdrs; administrators only) instead of yours")

    static let flags = Flag.of(since, until, last, extensionNumber, tenant)

    /// Gives the catalog's `cdrs list` the filters and the tenant-wide form.
    static func install(in group: Command) {
        guard let list = group.child(named: "list") else { return }
        list.flags += flags
        list.details = "List call detail records: yours (GET /user/cdrs) or, with --tenant, every extension's (GET /cdrs, administrators only). "
            + "PortSIP's CDR lists take no query parameters and come in one answer, so the filters run in pbxctl as the list streams in: "
            + "--since and --until keep calls by started_at (a date means that day in UTC; --until includes a date's whole day, and is exclusive for a time), "
            + "--extension keeps calls EXT made or took, and --last N keeps only the newest N, printed newest first, holding no more than N calls in memory. "
            + "A call without a readable started_at is left out by --since/--until and counts as the oldest for --last."
        list.examples += ["pbxctl cdrs list --since 2026-11-22 --until 2026-11-22", "pbxctl cdrs list --last 10 --extension 1001",
                          "pbxctl cdrs list --tenant --since 2026-11-22T08:00:00Z -o csv"]
        list.run = { invocation in try run(invocation) }
    }

    static func run(_ invocation: Invocation) throws {
        let app = invocation.app
        let line = invocation.line
        let filter = try CDRFilter(line)
        let limit = line[ListFlags.limit]
        let last = line[Self.last]
        if last != nil, limit != nil { throw APIError.usage("--last and --limit cannot be combined: --last N already prints at most N calls") }
        let client = try invocation.client()
        let path = line[tenant] ? "/cdrs" : "/user/cdrs"
        let schema = RecordSchema.isNeeded(by: app.output) ? RecordSchema.of(Operation(["cdrs", "list"], "", .list, "GET", path, noun: "call")) : nil
        let fields = app.output.fields
        let renderer = Renderer(options: app.output, sink: invocation.io.stdout, defaultColumns: columns, idKey: "id",
                                recordFields: schema.map { RecordSchema.scalarPaths(of: $0) } ?? [])
        let request = client.makeRequest(method: "GET", path: path)
        if fields == nil, last == nil, filter.keepsEverything, let compactor = renderer.compactor {
            try runCompact(request, client: client, compactor: compactor, renderer: renderer, limit: limit, invocation: invocation)
            return
        }
        var checked = false
        var newest = last.map(NewestRecords.init(capacity:))
        var printed = 0
        do {
            let result = try client.streamList(request) { item in
                if !checked {
                    try RecordSchema.checkFields(fields, schema: schema, records: [item])
                    checked = true
                }
                guard filter.keeps(item) else { return }
                if newest != nil {
                    newest!.offer(item)
                    return
                }
                if let limit, printed >= limit { throw OperationCommand.LimitReached() }
                renderer.emit([item])
                printed += 1
                if printed % 256 == 0 { invocation.io.stdout.flush() }
            }
            if result.dryRun { return }
        } catch is OperationCommand.LimitReached {}
        if !checked { try RecordSchema.checkFields(fields, schema: schema, records: []) }
        if let newest { renderer.emit(newest.records) }
        renderer.finishList()
    }

    /// Every call printed as JSON Lines, no `--fields`: the lines are copied from the
    /// answer's bytes (`JSONCompactor`), never parsed into values. What reaches the
    /// output, and when it is flushed, is what `run`'s item-by-item path gives.
    static func runCompact(_ request: HTTPRequest, client: APIClient, compactor: JSONCompactor, renderer: Renderer, limit: Int?, invocation: Invocation) throws {
        var printed = 0
        var pending: [UInt8] = []
        pending.reserveCapacity(256 << 10)
        func emitPending() {
            renderer.emit(compactLines: pending)
            pending.removeAll(keepingCapacity: true)
        }
        do {
            let result = try client.streamCompactList(request, compactor: compactor) { line in
                if let limit, printed >= limit { throw OperationCommand.LimitReached() }
                pending.append(contentsOf: line)
                pending.append(0x0A)
                printed += 1
                if printed % 256 == 0 {
                    emitPending()
                    invocation.io.stdout.flush()
                }
            }
            emitPending()
            if result.dryRun { return }
        } catch is OperationCommand.LimitReached {
            emitPending()
        } catch {
            emitPending()
            throw error
        }
        renderer.finishList()
    }
}
