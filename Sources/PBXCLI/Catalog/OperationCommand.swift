import CCurl
import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// Turns catalog entries into commands, and runs them: the one engine behind every
/// PortSIP command. Flags come from the entry's shape and from the vendor document
/// (a list gets `--filter` only where the operation accepts `filter`).
enum OperationCommand {
    static func make(_ operation: Operation) -> Command {
        let command = Command(operation.words.last!, operation.summary, examples: operation.examples, backend: .portsip,
                              deferred: { (arguments(operation), flags(operation)) }, run: { invocation in try run(operation, invocation) })
        command.secrets = operation.secrets.enumerated().map { index, secret in
            (secret.key, (index == 0 ? "--password-stdin, " : "") + "-F \(secret.key)=@FILE or --data FILE")
        }
        return command
    }

    static func flags(_ operation: Operation) -> [Flag] {
        var flags: [Flag] = []
        let spec = operation.specOperation
        if operation.shape == .list {
            if !operation.alwaysAll { flags.append(Flag("all", help: "follow pagination to the end")) }
            flags.append(Flag("limit", .int, value: "N", help: "stop after N items"))
            if spec?.queryParameter("top") != nil {
                flags.append(Flag("page-size", .int, value: "N", default: "100", help: "items per request (1-100)"))
            }
            for (name, help) in [("filter", "OData-like filter, e.g. \"extension_number eq '1001'\""), ("search", "free-text search"), ("orderby", "sort order, e.g. 'name asc, created_at desc'")]
            where spec?.queryParameter(name) != nil {
                flags.append(Flag(name, .string, value: name == "search" ? "TEXT" : "EXPR", help: help))
            }
        }
        for bodyFlag in operation.bodyFlags {
            let schema = spec?.bodySchema.flatMap { SchemaValidator.schema(of: $0, path: bodyFlag.key) }
            let kind: ValueKind
            switch schema.flatMap(SchemaValidator.type(of:)) {
            case "boolean": kind = .choice(["true", "false"])
            case "integer": kind = .int
            case "number": kind = .number
            default: kind = schema.flatMap(SchemaValidator.enumValues(of:)).map { .choice($0) } ?? .string
            }
            var flag = Flag(bodyFlag.flag, kind, value: kind == .choice(["true", "false"]) ? "BOOL" : nil, help: bodyFlag.help)
            flag.required = operation.shape == .create && spec?.bodySchema.map { InputChecks.requiredNames(of: $0).contains(bodyFlag.key) } == true
            flags.append(flag)
        }
        if spec?.bodySchema != nil, operation.shape == .create || operation.shape == .update || operation.shape == .action {
            flags.append(Flag("field", short: "f", .string, value: "KEY=VALUE", repeatable: true, help: "set a string body field (dotted keys nest)"))
            flags.append(Flag("raw-field", short: "F", .string, value: "KEY=VALUE", repeatable: true, help: "set a typed body field: true, false, null, numbers, @FILE"))
            flags.append(Flag("data", .string, value: "FILE", completion: .files, help: "a JSON body from a file, or - for stdin; flags override it"))
        }
        if !operation.secrets.isEmpty {
            flags.append(Flag("password-stdin", help: "read the \(operation.secrets[0].key.replacingOccurrences(of: "_", with: " ")) from standard input"))
        }
        if operation.adminPath != nil {
            flags.append(Flag("user", .string, value: "USER", help: "act on this user (ID or extension) through the admin API instead of yourself"))
        }
        if operation.confirm {
            flags.append(Flag("yes", short: "y", help: "do not ask for confirmation"))
        }
        if !operation.secretOutputFields.isEmpty {
            flags.append(Flag("show-secrets", help: "show " + operation.secretOutputFields.joined(separator: ", ") + " instead of ***"))
        }
        flags += operation.extraFlags
        return flags
    }

    static func arguments(_ operation: Operation) -> [Argument] {
        let spec = operation.specOperation
        return operation.arguments.map { argument -> Argument in
            // A body field with an enum in the vendor document completes to its values.
            var completion = CompletionHint.none
            if case .body(let key) = argument.role, let values = spec?.bodySchema.flatMap({ SchemaValidator.schema(of: $0, path: key) }).flatMap(SchemaValidator.enumValues(of:)) {
                completion = .values(values)
            }
            return Argument(argument.name, argument.help, optional: argument.optional, variadic: argument.variadic, completion: completion)
        }
    }

    // MARK: running

    static func run(_ operation: Operation, _ invocation: Invocation) throws {
        let app = invocation.app
        var plan = try buildPlan(operation, invocation)
        try operation.prepare?(&plan, invocation)
        // Everything typed is judged before a secret is asked for, then the whole body.
        let prompts = invocation.io.stdinIsTTY && !app.clientSettings.dryRun
        let pending = Set(operation.secrets.enumerated().filter { index, secret in
            plan.body != nil && plan.body?[secret.key] == nil && (prompts || index == 0 && invocation.line.bool("password-stdin"))
        }.map(\.element.key))
        try validate(plan, operation, pending: pending)
        if !pending.isEmpty {
            try BodyInput.fillSecrets(operation.secrets, into: &plan.body!, invocation: invocation)
            try validate(plan, operation)
        }
        if operation.shape == .list { _ = try listBounds(invocation.line) }
        let client = try invocation.client()
        if let question = plan.confirmQuestion { try invocation.confirm(question) }
        let reader = readBack(operation, plan, app.output)
        let recordSchema = operation.present == nil ? RecordSchema.of(reader ?? operation) : nil
        if plan.method != "GET" {
            // A write is checked before it is made: only the schema can tell then.
            try RecordSchema.checkFields(app.output.fields, schema: recordSchema, records: [])
        }
        try resolveUsers(&plan, operation, invocation, client)
        if operation.shape == .list {
            try runList(plan, operation, invocation, client)
            return
        }
        let answer = try client.call(plan.method, plan.path, query: plan.query, body: plan.body.map(JSON.object))
        if answer.dryRun { return }
        if plan.method == "GET", answer.json?.objectValue == nil {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED",
                           message: answer.json == nil ? "the answer was empty where a JSON object was expected" : "expected a JSON object, got \(answer.json!.typeName)",
                           backend: "portsip")
        }
        let record = AnswerRecord.extract(answer.json, at: operation.recordPath)
        if let path = operation.recordPath, record?.objectValue == nil {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "the answer holds no \(operation.noun) at '\(path)'", backend: "portsip")
        }
        if let present = operation.present {
            try present(record, plan, invocation)
            return
        }
        if plan.method == "GET" { try RecordSchema.checkFields(app.output.fields, schema: recordSchema, records: record.map { [$0] } ?? []) }
        let renderer = Renderer(options: app.output, sink: invocation.io.stdout, defaultColumns: operation.columns, idKey: operation.idKey,
                                masking: masked(operation, invocation), recordFields: recordSchema.map { RecordSchema.scalarPaths(of: $0) } ?? [])
        let id = answer.json?[operation.idKey]?.cellText ?? plan.body?[operation.idKey]?.cellText ?? ""
        let answerHoldsObject = (answer.json?.objectValue?.keys.filter { $0 != operation.idKey }.isEmpty == false)
        if let reader, !answerHoldsObject, operation.shape == .update || !id.isEmpty {
            // The answer holds an ID or nothing: read the object once, as `get` shows it.
            let path = operation.shape == .create ? plan.path + "/" + PathTemplate.segment(id) : plan.path
            let written = try client.call("GET", path)
            if let object = AnswerRecord.extract(written.json, at: reader.recordPath), object.objectValue != nil {
                Renderer(options: app.output, sink: invocation.io.stdout, idKey: reader.idKey, masking: masked(reader, invocation),
                         recordFields: recordSchema.map { RecordSchema.scalarPaths(of: $0) } ?? []).single(object)
            }
            if !app.output.quiet { invocation.io.err((operation.shape == .create ? "Created \(operation.noun) \(id)" : successMessage(operation, plan, invocation)) + "\n") }
            return
        }
        switch operation.shape {
        case .get:
            if let record { renderer.single(record) }
        case .create:
            if let json = answer.json { renderer.single(json) }
            if !app.output.quiet {
                invocation.io.err("Created \(operation.noun) \(TerminalText.escape(id))\n")
            }
        default:
            if let json = answer.json {
                renderer.single(json)
            } else if !app.output.quiet {
                invocation.io.err(successMessage(operation, plan, invocation) + "\n")
            }
        }
    }

    /// The `get` that reads back what a create or update wrote, when the output is for
    /// programs (JSON, JSON Lines, CSV, TSV) and the object is to be printed, not its ID.
    static func readBack(_ operation: Operation, _ plan: RequestPlan, _ output: OutputOptions) -> Operation? {
        guard operation.shape == .create || operation.shape == .update, output.format != .table, !output.quiet else { return nil }
        return PortSIPCatalog.all.first { candidate in
            guard candidate.shape == .get, candidate.method == "GET", candidate.present == nil else { return false }
            let paths = [candidate.path] + (candidate.adminPath.map { [$0] } ?? [])
            if operation.shape == .update { return paths.contains(plan.template) }
            return paths.contains { path in
                guard path.hasPrefix(plan.template + "/{"), path.hasSuffix("}") else { return false }
                return !path.dropFirst(plan.template.count + 1).contains("/")
            }
        }
    }

    /// The answer fields to mask for this run (none with --show-secrets).
    static func masked(_ operation: Operation, _ invocation: Invocation) -> [String] {
        invocation.line.bool("show-secrets") ? [] : operation.secretOutputFields
    }

    static func successMessage(_ operation: Operation, _ plan: RequestPlan, _ invocation: Invocation) -> String {
        let target = invocation.line.positionals.first.map { " \($0)" } ?? ""
        switch operation.shape {
        case .delete: return "Deleted \(operation.noun)\(target)"
        case .update: return "Updated \(operation.noun)\(target)"
        default: return "Done: \(operation.words.joined(separator: " "))\(target)"
        }
    }

    static func buildPlan(_ operation: Operation, _ invocation: Invocation) throws -> RequestPlan {
        let line = invocation.line
        var template = operation.path
        var parameters: [PathParameter] = []
        if let user = line.string("user"), let adminPath = operation.adminPath {
            template = adminPath
            parameters.append(.user(user))
        }
        var body: JSONObject?
        var typedAs: [String: String] = [:]
        let spec = operation.specOperation
        if spec?.bodySchema != nil {
            body = operation.defaults
            if let data = line.string("data") {
                body!.merge(try BodyInput.readJSONObject(data, io: invocation.io))
            }
            for bodyFlag in operation.bodyFlags {
                guard let text = line.string(bodyFlag.flag) else { continue }
                let schema = spec?.bodySchema.flatMap { SchemaValidator.schema(of: $0, path: bodyFlag.key) }
                body!.set(path: bodyFlag.key, to: BodyInput.typed(text, schemaType: schema.flatMap(SchemaValidator.type(of:))))
                typedAs[bodyFlag.key] = "--" + bodyFlag.flag
            }
            var warned = Set<String>()
            for (flag, assignment) in line.strings("raw-field").map({ ("-F", $0) }) + line.strings("field").map({ ("-f", $0) }) {
                let (key, value) = try BodyInput.assignment(assignment, typed: flag == "-F")
                body!.set(path: key, to: value)
                typedAs[key] = nil
                if Redaction.isSecretKey(key) || operation.secrets.contains(where: { $0.key == key }), !(flag == "-F" && assignment.dropFirst(key.count + 1).hasPrefix("@")),
                   warned.insert(key).inserted {
                    invocation.io.err(BodyInput.argvSecretWarning(key, operation) + "\n")
                }
            }
        }
        for (index, argument) in operation.arguments.enumerated() {
            let values = argument.variadic ? Array(line.positionals.dropFirst(index)) : (index < line.positionals.count ? [line.positionals[index]] : [])
            guard let first = values.first else { continue }
            switch argument.role {
            case .path, .user, .userWhen:
                parameters.append(argument.resolvesUser(line) ? .user(first) : .value(first))
            case .body(let key):
                if body == nil { body = JSONObject() }
                let schema = spec?.bodySchema.flatMap { SchemaValidator.schema(of: $0, path: key) }
                body!.set(path: key, to: BodyInput.typed(first, schemaType: schema.flatMap(SchemaValidator.type(of:))))
                typedAs[key] = argument.name
            case .bodyList(let key):
                if body == nil { body = JSONObject() }
                body!.set(path: key, to: .array(values.map(JSON.string)))
                typedAs[key] = argument.name
            }
        }
        var plan = RequestPlan(method: operation.method, parameters: parameters, body: body, template: template)
        plan.typedAs = typedAs
        if operation.confirm {
            let target = line.positionals.first.map { " \($0)" } ?? ""
            plan.confirmQuestion = "\(operation.words.last!.replacingOccurrences(of: "-", with: " ").capitalizedFirst) \(operation.noun)\(target)?"
        }
        if operation.shape == .list {
            for name in ["filter", "search", "orderby"] {
                if let value = line.string(name) { plan.query.append((name, value)) }
            }
        }
        return plan
    }

    /// Client-side checks before anything is sent: unknown fields, the vendor schema
    /// (types, enums, lengths, required) and the prose rules. Exit 2 naming each field.
    static func validate(_ plan: RequestPlan, _ operation: Operation, pending: Set<String> = []) throws {
        guard let spec = PortSIPSpec.shared.operation(plan.method, plan.template) else { return }
        var problems: [SchemaViolation] = []
        if let body = plan.body, let schema = spec.bodySchema {
            let known = SchemaValidator.propertyNames(of: schema)
            for key in body.keys where !known.contains(key) {
                problems.append(SchemaViolation(field: key, message: "is not a field of \(spec.operationId)" + Suggest.hint(key, among: known).replacingOccurrences(of: "\n\n", with: "; ")))
            }
            // The prose rule says it best, so it goes first; one message per field.
            if let rules = operation.rules { problems += PortSIPRules.bodyProblems(body, resource: rules) }
            problems += InputChecks.problems(body, schema: schema)
            problems += SchemaValidator.validate(.object(body), against: schema, at: "")
        }
        if plan.path.contains("//") || plan.path.hasSuffix("/") {
            problems.append(SchemaViolation(field: "path", message: "an ID argument is empty"))
        }
        problems.removeAll { pending.contains($0.field) && $0.message == "is required" }
        if !problems.isEmpty {
            var seen = Set<String>()
            let unique = problems.filter { seen.insert($0.field).inserted }.map { inUserWords($0, plan, operation) }
            let hint = operation.secrets.isEmpty ? [] : ["(secrets are read from a prompt on a terminal, --password-stdin, -F KEY=@FILE or --data FILE)"]
            throw APIError.usage(lines: ["invalid request for '\(operation.words.joined(separator: " "))'; nothing was sent:"] + unique.map { "  " + $0 } + hint)
        }
    }

    /// A problem told by what the user typed (`--extension must be 3 to 64 digits
    /// (extension_number)`); a field missing altogether by the flag that would set it.
    static func inUserWords(_ problem: SchemaViolation, _ plan: RequestPlan, _ operation: Operation) -> String {
        let given = plan.body.flatMap { JSON.object($0).value(atPath: problem.field) } != nil
        let typed = plan.typedAs[problem.field] ?? (given ? nil : operation.bodyFlags.first { $0.key == problem.field }.map { "--" + $0.flag })
        guard let typed else { return problem.text }
        return "\(typed) \(problem.message) (\(problem.field))"
    }

    /// Turns user parameters into user IDs; an extension number is looked up with a
    /// filter on `extension_number`.
    static func resolveUsers(_ plan: inout RequestPlan, _ operation: Operation, _ invocation: Invocation, _ client: APIClient) throws {
        for (index, parameter) in plan.parameters.enumerated() {
            guard case .user(let value) = parameter else { continue }
            plan.parameters[index] = .value(try UserResolver.resolve(value, client: client, io: invocation.io))
        }
    }

    /// `--page-size` (PortSIP's top: 1 to 100) and `--limit`, checked before anything is sent.
    static func listBounds(_ line: ParsedCommandLine) throws -> (pageSize: Int, limit: Int?) {
        (try line.int("page-size", in: 1...100) ?? 100, try line.int("limit", in: NumberRanges.limit))
    }

    static func runList(_ plan: RequestPlan, _ operation: Operation, _ invocation: Invocation, _ client: APIClient) throws {
        let app = invocation.app
        let line = invocation.line
        let spec = PortSIPSpec.shared.operation(plan.method, plan.template)
        let schema = RecordSchema.of(operation)
        let renderer = Renderer(options: app.output, sink: invocation.io.stdout, defaultColumns: operation.columns, idKey: operation.idKey,
                                masking: masked(operation, invocation), recordFields: schema.map { RecordSchema.scalarPaths(of: $0) } ?? [])
        let (pageSize, limit) = try listBounds(line)
        var walker = PageWalker(pageSize: pageSize, limit: limit, all: line.bool("all") || operation.alwaysAll, paged: spec?.queryParameter("top") != nil)
        if !walker.paged, app.output.format != .table || app.output.quiet {
            try streamUnpagedList(plan, operation, invocation, client, renderer: renderer, schema: schema)
            return
        }
        var checked = false
        let paged = walker.paged
        // Called from prefetch threads too: it touches no mutable state.
        func fetch(_ page: (skip: Int, top: Int)) throws -> (items: [JSON], total: Int?)? {
            var query = plan.query
            if paged {
                query.append(("skip", String(page.skip)))
                query.append(("top", String(page.top)))
            }
            let answer = try client.call("GET", plan.path, query: query)
            if answer.dryRun { return nil }
            guard let json = answer.json, let items = json["items"]?.arrayValue ?? json.arrayValue else {
                throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "expected {\"count\", \"items\"} in the answer", backend: "portsip")
            }
            return (items, try PageWalker.count(in: json))
        }
        while let page = walker.next() {
            if pbx_interrupted != 0 { throw APIError(kind: .interrupted, message: "interrupted") }
            guard let (items, total) = try fetch(page) else { return }
            if !checked {
                try RecordSchema.checkFields(app.output.fields, schema: schema, records: items)
                checked = true
            }
            let kept = walker.accept(count: items.count, total: total, keys: PageWalker.keys(of: items, idKey: operation.idKey))
            renderer.emit(Array(items.prefix(kept)))
            invocation.io.stdout.flush()
            try invocation.io.stdout.checkOutputWritten()
            // Once the first page has told the total, the rest are known: fetch them a
            // few at a time and print them in order, until one comes back short.
            if walker.paged, walker.total != nil, walker.fetched == kept, kept > 0 {
                let pages = walker.remainingPages()
                if pages.hasSeveral {
                    // How many go at once follows the server's answers (AdaptiveConcurrency).
                    let gate = AdaptiveConcurrency(initial: AdaptiveConcurrency.initial, maximum: AdaptiveConcurrency.pagingMaximum)
                    client.concurrency = gate
                    defer { client.concurrency = nil }
                    try PagePrefetcher.run(pages, concurrency: AdaptiveConcurrency.pagingMaximum, limit: { gate.current }, fetch: { try fetch($0)?.items ?? [] }) { items, top in
                        let kept = walker.accept(count: items.count, total: walker.total, requested: top, keys: PageWalker.keys(of: items, idKey: operation.idKey))
                        renderer.emit(Array(items.prefix(kept)))
                        invocation.io.stdout.flush()
                        try invocation.io.stdout.checkOutputWritten()
                        return walker.next() != nil
                    }
                    break
                }
            }
        }
        renderer.finishList()
        if let contradiction = walker.contradiction {
            invocation.io.stdout.flush()
            throw APIError(kind: .malformed, code: "MALFORMED", message: contradiction + "; the list above may be incomplete", backend: "portsip")
        }
        if let remaining = walker.remaining, remaining > 0, invocation.io.stderrIsTTY, !app.output.quiet {
            invocation.io.err("Showing \(walker.fetched) of \(walker.total ?? walker.fetched) \(operation.noun)s; use --all or --limit N for more.\n")
        }
    }
}

extension OperationCommand {
    struct LimitReached: Error {}

    /// Lists PortSIP answers in one piece (CDRs, messages…) can be long: parse and print
    /// them item by item as they arrive instead of holding the whole answer.
    static func streamUnpagedList(_ plan: RequestPlan, _ operation: Operation, _ invocation: Invocation, _ client: APIClient, renderer: Renderer, schema: JSON?) throws {
        let limit = try invocation.line.int("limit", in: NumberRanges.limit)
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
        guard let count = value.intValue, count >= 0 else {
            throw APIError(kind: .malformed, code: "MALFORMED", message: "the list answer's count is not a non-negative integer: \(value.compactText.prefix(40))", backend: backend)
        }
        return count
    }
}

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

/// Fetches pages with a few concurrent requests and hands them over in order,
/// holding at most a window of pages in memory. Pages are taken from the plan only as
/// they are fetched.
enum PagePrefetcher {
    /// What the fetching threads and the printing thread share, under `condition`.
    /// Fetchers sleep on `condition`; the printing thread sleeps on `arrived`, so that a
    /// page coming in wakes the one thread that prints it instead of every idle fetcher.
    final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        let arrived = DispatchSemaphore(value: 0)
        var plan: PagePlan
        var planned: [Int: (skip: Int, top: Int)] = [:]
        var exhausted = false
        var results: [Int: [JSON]] = [:]
        var failure: Error?
        var nextToFetch = 0
        var nextToEmit = 0
        var running = 0
        var waiting = 0
        var fetching = 0
        init(plan: PagePlan) { self.plan = plan }
    }

    /// `emit` gets each page with the `top` it was asked with, and returns false to stop.
    /// At most `limit()` pages are fetched at once (it may change as answers come); a
    /// page is taken from the plan only when it can be sent.
    static func run(_ pages: PagePlan, concurrency: Int, limit: @escaping @Sendable () -> Int = { .max },
                    fetch: @escaping ((skip: Int, top: Int)) throws -> [JSON], emit: ([JSON], Int) throws -> Bool) throws {
        let shared = Shared(plan: pages)
        let condition = shared.condition
        let window = concurrency * 2
        // Every fetcher waits for the same thing, so one woken fetcher that cannot go means
        // none can; one that can go wakes the next, or starts it while fewer than
        // `concurrency` exist. A single signal per freed slot thus replaces a broadcast
        // that woke every idle fetcher for each page, and only as many threads start as
        // the limit ever allowed.
        @Sendable func canTakePage() -> Bool {
            !shared.exhausted && shared.failure == nil && shared.nextToFetch < shared.nextToEmit + window && shared.fetching < limit()
        }
        /// What a waiting fetcher waits for: a page to take, or the end.
        @Sendable func mayFetch() -> Bool {
            shared.exhausted || shared.failure != nil || canTakePage()
        }
        @Sendable func wakeOrStartFetcher() {
            if shared.waiting > 0 {
                condition.signal()
            } else if shared.running < concurrency {
                shared.running += 1
                Thread(block: fetcher).start()
            }
        }
        @Sendable func fetcher() {
            while true {
                condition.lock()
                while !mayFetch() {
                    shared.waiting += 1
                    condition.wait()
                    shared.waiting -= 1
                }
                let page = shared.failure == nil && pbx_interrupted == 0 && !shared.exhausted ? shared.plan.next() : nil
                guard let page else {
                    shared.exhausted = true
                    shared.running -= 1
                    condition.broadcast()
                    condition.unlock()
                    shared.arrived.signal()
                    return
                }
                let index = shared.nextToFetch
                shared.nextToFetch += 1
                shared.planned[index] = page
                shared.fetching += 1
                if canTakePage() { wakeOrStartFetcher() }
                condition.unlock()
                let outcome = Result { try fetch(page) }
                condition.lock()
                shared.fetching -= 1
                switch outcome {
                case .success(let items):
                    shared.results[index] = items
                    // A short page is where the list ends (the printing side stops
                    // there too): plan no more, however many pages the count promised.
                    if items.count < page.top { shared.exhausted = true }
                case .failure(let error): if shared.failure == nil { shared.failure = error }
                }
                if shared.exhausted || shared.failure != nil { condition.broadcast() } else if shared.waiting > 0 { condition.signal() }
                condition.unlock()
                shared.arrived.signal()
            }
        }
        condition.lock()
        wakeOrStartFetcher()
        condition.unlock()
        defer {
            condition.lock()
            if shared.failure == nil { shared.failure = CancellationError() }
            condition.broadcast()
            while shared.running > 0 { condition.wait() }
            condition.unlock()
        }
        while true {
            condition.lock()
            while shared.results[shared.nextToEmit] == nil, shared.failure == nil, pbx_interrupted == 0,
                !(shared.exhausted && shared.nextToEmit >= shared.nextToFetch)
            {
                // A fetcher signals `arrived` after each change; the timeout is for Ctrl-C.
                condition.unlock()
                _ = shared.arrived.wait(timeout: .now() + .milliseconds(20))
                condition.lock()
            }
            if pbx_interrupted != 0 {
                condition.unlock()
                throw APIError(kind: .interrupted, message: "interrupted")
            }
            guard let items = shared.results.removeValue(forKey: shared.nextToEmit) else {
                let error = shared.failure
                let done = shared.exhausted && shared.nextToEmit >= shared.nextToFetch
                condition.unlock()
                if done { return }
                throw error!
            }
            let top = shared.planned.removeValue(forKey: shared.nextToEmit)?.top ?? items.count
            shared.nextToEmit += 1
            if canTakePage() { wakeOrStartFetcher() }
            condition.unlock()
            guard try emit(items, top) else { return }
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
