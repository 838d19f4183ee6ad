import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// Lists: paged walks, prefetched once the count is known, and one-piece answers streamed.
extension OperationCommand {
    static func runList(_ plan: RequestPlan, _ operation: Operation, _ invocation: Invocation, _ client: APIClient) throws {
        let app = invocation.app
        let line = invocation.line
        let spec = PortSIPSpec.shared.operation(plan.method, plan.template)
        let schema = RecordSchema.isNeeded(by: app.output) ? RecordSchema.of(operation) : nil
        let renderer = Renderer(options: app.output, sink: invocation.io.stdout, defaultColumns: operation.columns, idKey: operation.idKey,
                                masking: masked(operation, invocation), recordFields: schema.map { RecordSchema.scalarPaths(of: $0) } ?? [])
        var pager = Pager(style: .skipTop(pageSize: line[ListFlags.pageSize]), limit: line[ListFlags.limit], all: line[ListFlags.all] || operation.alwaysAll, paged: spec?.queryParameter("top") != nil, idKey: operation.idKey)
        if !pager.walker.paged, app.output.format != .table || app.output.quiet {
            try streamUnpagedList(plan, operation, invocation, client, renderer: renderer, schema: schema)
            return
        }
        var checked = false
        let paged = pager.walker.paged
        let style = pager.style
        // JSON Lines of whole items are copied from the answer's bytes where they can be
        // (`CompactList`); any other page is parsed.
        let compactor = renderer.compactor
        let idKey = operation.idKey
        // Called from prefetch threads too: it touches no mutable state.
        @Sendable func fetch(_ page: (skip: Int, top: Int)) throws -> (items: ListPage, total: Int?)? {
            var query = plan.query
            if paged { style.append(page, to: &query) }
            let request = client.makeRequest(method: "GET", path: plan.path, query: query)
            let sent = try client.send(request)
            if !sent.dryRun, let compactor, (200..<300).contains(sent.raw.status),
                let list = sent.raw.body.withUnsafeBufferPointer({ CompactList.make($0, idKey: idKey, compactor: compactor) })
            {
                return (.compact(list), try list.count.map { try PageWalker.count(of: $0) })
            }
            let answer = try client.decode(sent)
            if answer.dryRun { return nil }
            guard let json = answer.json, let items = json["items"]?.arrayValue ?? json.arrayValue else {
                throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "expected {\"count\", \"items\"} in the answer", backend: "portsip")
            }
            return (.parsed(items), try PageWalker.count(in: json))
        }
        // Each page is printed as it comes, and a failed write stops the walk.
        func emit(_ page: ListPage, kept: Int) throws {
            switch page {
            case .parsed(let items): renderer.emit(Array(items.prefix(kept)))
            case .compact(let list): renderer.emit(compactLines: list.prefix(kept))
            }
            invocation.io.stdout.flush()
            try invocation.io.stdout.checkOutputWritten()
        }
        while let page = pager.next() {
            try Interrupt.process.check()
            guard let (items, total) = try fetch(page) else { return }
            if !checked {
                if case .parsed(let records) = items { try RecordSchema.checkFields(app.output.fields, schema: schema, records: records) }
                checked = true
            }
            let kept = pager.accept(items, total: total)
            try emit(items, kept: kept)
            // Once the first page has told the total, the rest are known: fetch them a
            // few at a time and print them in order, until one comes back short.
            if paged, pager.walker.total != nil, pager.walker.fetched == kept, kept > 0 {
                let pages = pager.walker.remainingPages()
                if pages.hasSeveral {
                    // How many go at once follows the server's answers (AdaptiveConcurrency).
                    let gate = AdaptiveConcurrency(initial: AdaptiveConcurrency.initial, maximum: AdaptiveConcurrency.pagingMaximum)
                    client.concurrency = gate
                    defer { client.concurrency = nil }
                    try PagePrefetcher.run(pages, concurrency: AdaptiveConcurrency.pagingMaximum, limit: { gate.current },
                                           fetch: { try fetch($0)?.items ?? .parsed([]) }, count: \.count) { items, top in
                        try emit(items, kept: pager.accept(items, total: pager.walker.total, requested: top))
                        return pager.next() != nil
                    }
                    break
                }
            }
        }
        renderer.finishList()
        let walker = pager.walker
        if let contradiction = walker.contradiction {
            invocation.io.stdout.flush()
            throw APIError(kind: .malformed, code: "MALFORMED", message: contradiction + "; the list above may be incomplete", backend: "portsip")
        }
        if let remaining = walker.remaining, remaining > 0, invocation.io.stderrIsTTY, !app.output.quiet {
            invocation.io.err("Showing \(walker.fetched) of \(walker.total ?? walker.fetched) \(operation.noun)s; use --all or --limit N for more.\n")
        }
    }

    struct LimitReached: Error {}

    /// A page of a list: parsed items, or their JSON Lines copied from the answer.
    enum ListPage {
        case parsed([JSON])
        case compact(CompactList)

        var count: Int {
            switch self {
            case .parsed(let items): return items.count
            case .compact(let list): return list.itemCount
            }
        }
    }

    /// Lists PortSIP answers in one piece (CDRs, messages…) can be long: parse and print
    /// them item by item as they arrive instead of holding the whole answer.
    static func streamUnpagedList(_ plan: RequestPlan, _ operation: Operation, _ invocation: Invocation, _ client: APIClient, renderer: Renderer, schema: JSON?) throws {
        let limit = invocation.line[ListFlags.limit]
        let fields = invocation.app.output.fields
        var printed = 0
        // Items are rendered 256 at a time (one output buffer, not one per item) on a
        // thread of their own, while this one parses on; whatever arrived is rendered
        // before any error is reported.
        let output = BackgroundRenderer { batch in
            renderer.emit(batch)
            invocation.io.stdout.flush()
            try invocation.io.stdout.checkOutputWritten()
        }
        var pending: [JSON] = []
        pending.reserveCapacity(256)
        func submitPending() throws {
            if pending.isEmpty { return }
            try output.submit(pending)
            pending = []
            pending.reserveCapacity(256)
        }
        let request = client.makeRequest(method: "GET", path: plan.path, query: plan.query)
        do {
            let result = try client.streamList(request) { item in
                if printed == 0 { try RecordSchema.checkFields(fields, schema: schema, records: [item]) }
                if let limit, printed >= limit { throw LimitReached() }
                pending.append(item)
                printed += 1
                if pending.count == 256 { try submitPending() }
            }
            try submitPending()
            try output.finish()
            if result.dryRun { return }
        } catch is LimitReached {
            try submitPending()
            try output.finish()
        } catch {
            try? submitPending()
            try? output.finish()
            throw error
        }
        if printed == 0 { try RecordSchema.checkFields(fields, schema: schema, records: []) }
        renderer.finishList()
    }
}
