import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `users import FILE`: bulk provisioning from CSV or JSON Lines (docs/cli.md, "Bulk
/// provisioning"). Every row is validated before anything is sent; then rows are
/// created by `--concurrency` workers over kept-alive connections.
enum ImportCommand {
    static let concurrency = FlagKey<Int>.int("concurrency", value: "N", default: AdaptiveConcurrency.importMaximum, in: 1...AdaptiveConcurrency.importMaximum,
                                              help: "at most N users created at once (1-32); starts at 4, grows while answers stay fast, halves on 429/503")
    static let skipExisting = FlagKey<Bool>.bool("skip-existing", help: "leave out rows whose name or extension_number already exists (one paged read of users)")

    /// Columns an export writes that are not fields of a create; an import skips them.
    static let readOnlyFields: Set<String> = ["id", "created_at", "profile", "avatar_file_name", "avatar_file_size", "avatar_file_url", "sync_type", "ms365_id", "presence", "presence_note", "balance"]
    /// What a row becomes: `users create`'s request, schema, rules and secrets.
    static let entry = PortSIPUsersCatalog.create
    static let secretFields = entry.secrets.map(\.key)

    /// `users create`'s body schema in the vendor document, which rows are read and checked against.
    static func createSchema() throws -> JSON {
        guard let schema = entry.specOperation?.bodySchema else { throw APIError.local("no schema for \(entry.method) \(entry.path)") }
        return schema
    }

    /// The reason column of FILE.failed.csv; a re-run with that file ignores it.
    static let failureColumn = "error"

    static var command: Command {
        Command("import", "Create users in bulk from CSV or JSON Lines",
                details: "Create users from FILE (- for stdin): CSV with a header row of API field names (dotted for nested objects, e.g. office_hours.mode) or JSON Lines, one user per line. Every row is checked first; if any is invalid, all bad rows are reported with their line and field and nothing is sent (exit 2). Then users are created by --concurrency workers. Columns an export writes but a create does not take (id, created_at…) are skipped. At the end a summary (created, skipped, failed) goes to stderr, failed rows with the reason go to FILE.failed.csv (mode 0600; a re-run takes it as input), and the exit code is 6 if any row failed. Re-running never creates a duplicate: the server refuses a second user with the same name or extension, and --skip-existing leaves those out before sending.",
                arguments: [Argument("FILE", "a .csv or .jsonl file, or - for stdin", completion: .files)],
                flags: [
                    concurrency.flag, skipExisting.flag,
                    CommonFlags.generateSecrets.with(help: "fill in a missing password, extension_password and voicemail_pin with random ones, recorded in FILE.secrets.csv (mode 0600) for the users created").flag,
                    CommonFlags.rosterFormat.flag,
                ],
                examples: ["pbxctl users import new-hires.csv --concurrency 8", "pbxctl users import new-hires.csv --skip-existing --dry-run",
                           "pbxctl users export -o csv > users.csv && pbxctl -p other users import users.csv --skip-existing --generate-secrets"],
                backend: .portsip, run: { invocation in try run(invocation) })
    }

    struct Row {
        let line: Int
        var body: JSONObject
    }

    static func run(_ invocation: Invocation) throws {
        let app = invocation.app
        let line = invocation.line
        let source = try invocation.require("FILE")
        let concurrency = line[Self.concurrency]
        let bytes: [UInt8]
        if source == "-" {
            bytes = invocation.io.stdinBytes()
        } else {
            guard let data = FileManager.default.contents(atPath: source) else { throw APIError.usage("\(source): cannot read the file") }
            bytes = Array(data)
        }
        let schema = try createSchema()
        let format = line[CommonFlags.rosterFormat] ?? sniff(source, bytes)
        var rows = try format == "jsonl" ? readJSONLines(bytes) : readCSV(bytes, schema: schema)

        let client = try invocation.client()
        var skipped = 0
        // Skipped rows are never judged: an export of existing users carries no passwords.
        if line[skipExisting] {
            let (names, extensions) = try existingUsers(client)
            let before = rows.count
            rows.removeAll { row in
                names.contains(row.body["name"]?.stringValue?.lowercased() ?? "") || extensions.contains(row.body["extension_number"]?.stringValue ?? "")
            }
            skipped = before - rows.count
        }
        let secrets = line[CommonFlags.generateSecrets] ? SecretsFile(source: source) : nil
        let generated = secrets?.fill(&rows) ?? [:]
        try validate(rows, schema: schema)
        if app.clientSettings.dryRun {
            for row in rows { try client.call(entry.method, entry.path, body: .object(row.body)) }
            invocation.io.err("dry run: \(rows.count) user\(rows.count == 1 ? "" : "s") would be created, \(skipped) skipped; nothing was sent"
                + (generated.isEmpty ? "" : " and no secrets were written") + "\n")
            return
        }
        let outcome = create(rows, client: client, concurrency: concurrency, io: invocation.io, quiet: app.output.quiet)
        if let secrets {
            // A create cut short may have made its user: its secrets are kept too (a
            // re-run takes recorded secrets again, so a user never made gets the same ones).
            let recorded = outcome.mayExist.filter { generated[$0.line] != nil }
            try secrets.record(recorded)
            if !recorded.isEmpty {
                invocation.io.err("generated secrets for \(recorded.count) user\(recorded.count == 1 ? "" : "s"); they are in \(secrets.path) (mode 0600)\n")
            }
        }
        let failedPath = (source == "-" ? "stdin" : source) + ".failed.csv"
        if outcome.failures.isEmpty {
            if FileManager.default.fileExists(atPath: failedPath) { try? FileManager.default.removeItem(atPath: failedPath) }
        } else {
            // A secret made up for a row that was not created is dropped: a re-run makes and
            // records a new one, or takes the one recorded for a create cut short.
            let failures = outcome.failures.map { failure in
                var row = failure.row
                for field in generated[row.line] ?? [] { row.body[field] = nil }
                return (row: row, reason: failure.reason)
            }
            try writeFailed(failures, to: failedPath)
        }
        var summary = "created \(outcome.created.count), skipped \(skipped), failed \(outcome.failures.count)"
        let cutShort = outcome.mayExist.count - outcome.created.count
        if cutShort > 0 { summary += " (\(cutShort) of them cut short by Ctrl-C: the server may have made \(cutShort == 1 ? "it" : "them"); --skip-existing tells)" }
        if !outcome.failures.isEmpty { summary += "; failed rows and reasons are in \(failedPath) (re-run with it, or with --skip-existing)" }
        invocation.io.err(summary + "\n")
        if outcome.interrupted { throw APIError(kind: .interrupted, message: "interrupted") }
        if !outcome.failures.isEmpty {
            throw APIError(kind: .partial, code: "PARTIAL", message: "\(outcome.failures.count) of \(rows.count) users could not be created", backend: "portsip")
        }
    }

    static func sniff(_ source: String, _ bytes: [UInt8]) -> String {
        let lower = source.lowercased()
        if lower.hasSuffix(".csv") { return "csv" }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return "jsonl" }
        return bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{") ? "jsonl" : "csv"
    }

    static func readJSONLines(_ bytes: [UInt8]) throws -> [Row] {
        var rows: [Row] = []
        var problems: [(line: Int, text: String)] = []
        for (index, lineBytes) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let trimmed = lineBytes.filter { $0 != 0x0D }
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                guard case .object(var object) = try JSONParser.parse(Array(trimmed)) else {
                    problems.append((index + 1, "not a JSON object"))
                    continue
                }
                for key in object.keys where readOnlyFields.contains(key) { object[key] = nil }
                rows.append(Row(line: index + 1, body: object))
            } catch let error as JSONParseError {
                problems.append((index + 1, error.description))
            }
        }
        if !problems.isEmpty { throw APIError.usage(lines: ["invalid input; nothing was sent:"] + collapse(problems).map { "  " + $0 }) }
        return rows
    }

    static func readCSV(_ bytes: [UInt8], schema: JSON) throws -> [Row] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw APIError.usage("the CSV is not valid UTF-8; nothing was sent") }
        let records: [(line: Int, cells: [String])]
        do {
            records = try DelimitedText.parseCSVLines(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        } catch let error as CSVError {
            throw APIError.usage("invalid CSV: \(error.message); nothing was sent")
        }
        guard let header = records.first?.cells.map({ $0.trimmingCharacters(in: .whitespaces) }), !header.isEmpty else { throw APIError.usage("the CSV is empty") }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted { throw APIError.usage("column '\(name)' appears twice in the header") }
        var rows: [Row] = []
        var problems: [(line: Int, text: String)] = []
        for (lineNumber, record) in records.dropFirst() {
            if record.allSatisfy({ $0.isEmpty }) { continue }
            guard record.count == header.count else {
                problems.append((lineNumber, "\(record.count) cells for \(header.count) columns"))
                continue
            }
            var body = JSONObject()
            for (column, cell) in zip(header, record) where !cell.isEmpty && !readOnlyFields.contains(column) && column != failureColumn {
                let type = SchemaValidator.schema(of: schema, path: column).flatMap(SchemaValidator.type(of:))
                switch type {
                case "array", "object": body.set(path: column, to: (try? JSONParser.parse(cell)) ?? .string(cell))
                default: body.set(path: column, to: BodyInput.typed(cell, schemaType: type))
                }
            }
            rows.append(Row(line: lineNumber, body: body))
        }
        if !problems.isEmpty { throw APIError.usage(lines: ["invalid CSV; nothing was sent:"] + collapse(problems).map { "  " + $0 }) }
        return rows
    }

    /// Every row against the vendor schema and the prose rules, plus duplicates within the file.
    static func validate(_ rows: [Row], schema: JSON) throws {
        let validator = RequestValidator(operationId: entry.specOperation?.operationId ?? "createUser", schema: schema, rules: entry.rules)
        var problems: [(line: Int, text: String)] = []
        var invalidRows = 0
        var names: [String: Int] = [:]
        var extensions: [String: Int] = [:]
        var missingSecrets = false
        for row in rows {
            var rowProblems = validator.problems(row.body)
            if let name = row.body["name"]?.stringValue?.lowercased() {
                if let first = names[name] { rowProblems.append(SchemaViolation(field: "name", message: "'\(name)' is also on line \(first)")) } else { names[name] = row.line }
            }
            if let number = row.body["extension_number"]?.stringValue {
                if let first = extensions[number] { rowProblems.append(SchemaViolation(field: "extension_number", message: "\(number) is also on line \(first)")) } else { extensions[number] = row.line }
            }
            let unique = RequestValidator.firstPerField(rowProblems)
            if unique.isEmpty { continue }
            invalidRows += 1
            missingSecrets = missingSecrets || unique.contains { secretFields.contains($0.field) && $0.message == "is required" }
            problems += unique.map { (row.line, $0.text) }
        }
        if !problems.isEmpty {
            let hint = missingSecrets ? ["(--generate-secrets fills in missing passwords and PINs)"] : []
            throw APIError.usage(lines: ["\(invalidRows) of \(rows.count) row\(rows.count == 1 ? "" : "s") \(invalidRows == 1 ? "is" : "are") invalid; nothing was sent:"]
                + collapse(problems).map { "  " + $0 } + hint)
        }
    }

    /// One line per distinct problem, with how many rows have it and where
    /// (`password: is required (3 rows: lines 2-3, 7)`), in the order first seen.
    static func collapse(_ problems: [(line: Int, text: String)]) -> [String] {
        var order: [String] = []
        var lines: [String: Set<Int>] = [:]
        for problem in problems {
            if lines[problem.text] == nil { order.append(problem.text) }
            lines[problem.text, default: []].insert(problem.line)
        }
        return order.map { text in
            let numbers = lines[text]!.sorted()
            var ranges: [String] = []
            var start = numbers[0], end = numbers[0]
            for number in numbers.dropFirst() + [Int.max] {
                if number == end + 1 {
                    end = number
                    continue
                }
                ranges.append(start == end ? "\(start)" : "\(start)-\(end)")
                (start, end) = (number, number)
            }
            let rows = numbers.count == 1 ? "1 row: line" : "\(numbers.count) rows: lines"
            return "\(text) (\(rows) \(ranges.joined(separator: ", ")))"
        }
    }

    /// One paged read of every user: the names and extension numbers already taken.
    static func existingUsers(_ client: APIClient) throws -> (Set<String>, Set<String>) {
        var names = Set<String>()
        var extensions = Set<String>()
        var pager = Pager(style: .skipTop(pageSize: 100))
        try pager.walk(fetch: { pageQuery in
            let answer = try client.call("GET", "/users", query: pageQuery)
            if answer.dryRun { return nil }
            return Pager.Page(items: answer.json?["items"]?.arrayValue ?? [], total: try answer.json.flatMap { try PageWalker.count(in: $0) }, answer: answer.json)
        }, each: { items, _ in
            try Interrupt.process.check()
            for item in items {
                if let name = item["name"]?.stringValue { names.insert(name.lowercased()) }
                if let number = item["extension_number"]?.stringValue { extensions.insert(number) }
            }
            return true
        })
        return (names, extensions)
    }

    struct Outcome {
        var created: [Row] = []
        var failures: [(row: Row, reason: String)] = []
        var interrupted = false

        /// What a create cut short by Ctrl-C is called: it was sent, so the server may
        /// have made the user.
        static let cutShort = "not finished: interrupted"

        /// Rows whose user exists, or may: the created and the cut short.
        var mayExist: [Row] { created + failures.filter { $0.reason == Self.cutShort }.map(\.row) }
    }

    /// What the workers share: the outcome so far and the progress bar that shows it.
    /// Sendable by `lock`: both are only ever touched with `lock` held.
    final class SharedOutcome: @unchecked Sendable {
        private let lock = NSLock()
        private let rows: [Row]
        private var outcome = Outcome()
        private let progress: ProgressBar

        init(_ rows: [Row], progress: ProgressBar) {
            self.rows = rows
            self.progress = progress
        }

        /// Records a row's result and draws the progress; `report` runs under the lock
        /// too, so IDs print in step with it.
        func finish(_ row: Row, failure: String?, report: () -> Void) {
            lock.withLock {
                if let failure { outcome.failures.append((row, failure)) } else { outcome.created.append(row) }
                progress.update(done: outcome.created.count + outcome.failures.count, failed: outcome.failures.count)
                report()
            }
        }

        func finishProgress() { lock.withLock { progress.finish() } }

        /// The outcome once every worker has stopped, `taken` rows having been taken;
        /// rows never taken count as failed.
        func result(interrupted: Bool, taken: Int) -> Outcome {
            lock.withLock {
                var result = outcome
                if interrupted {
                    result.interrupted = true
                    for row in rows[taken...] { result.failures.append((row, "not attempted: interrupted")) }
                }
                result.failures.sort { $0.row.line < $1.row.line }
                result.created.sort { $0.line < $1.line }
                return result
            }
        }
    }

    /// `concurrency` workers take rows in order; each keeps its own kept-alive
    /// connection through the transport's handle pool. How many of them send at once
    /// is chosen from the server's answers (`AdaptiveConcurrency`), up to all of them.
    static func create(_ rows: [Row], client: APIClient, concurrency: Int, io: IOContext, quiet: Bool) -> Outcome {
        client.concurrency = AdaptiveConcurrency(initial: AdaptiveConcurrency.initial, maximum: concurrency)
        defer { client.concurrency = nil }
        let shared = SharedOutcome(rows, progress: ProgressBar(total: rows.count, enabled: io.stderrIsTTY && !quiet, io: io))
        // Each row is taken once, in order: a create is never sent twice.
        let taken = WorkerPool.forEach(rows.count, workers: concurrency, stackSize: 1 << 20) { index in
            let row = rows[index]
            var failure: String?
            var createdID: String?
            do {
                let answer = try client.call(entry.method, entry.path, body: .object(row.body))
                createdID = answer.json?["id"]?.stringValue
            } catch let error as APIError {
                failure = error.kind == .interrupted ? Outcome.cutShort : error.text
            } catch {
                failure = "\(error)"
            }
            shared.finish(row, failure: failure) {
                if quiet, let createdID { io.out(createdID + "\n") }
            }
        }
        shared.finishProgress()
        return shared.result(interrupted: Interrupt.process.isRequested, taken: taken)
    }

    /// The failed rows, flattened to dotted columns, with the reason last; re-importable.
    static func writeFailed(_ failures: [(row: Row, reason: String)], to path: String) throws {
        var columns: [String] = []
        var flattened: [[String: String]] = []
        for failure in failures {
            var cells: [String: String] = [:]
            flatten(.object(failure.row.body), prefix: "", into: &cells, order: &columns)
            flattened.append(cells)
        }
        var text = DelimitedText.row(columns + ["error"], format: .csv)
        for (cells, failure) in zip(flattened, failures) {
            text += DelimitedText.row(columns.map { cells[$0] ?? "" } + ["line \(failure.row.line): \(failure.reason)"], format: .csv)
        }
        try AtomicFile.replace(path, with: text, mode: 0o600)
    }

    static func flatten(_ value: JSON, prefix: String, into cells: inout [String: String], order: inout [String]) {
        if case .object(let object) = value {
            for (key, child) in object { flatten(child, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &cells, order: &order) }
            return
        }
        if !order.contains(prefix) { order.append(prefix) }
        cells[prefix] = value.cellText
    }

}
