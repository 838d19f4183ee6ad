import CCurl
import Foundation
import PBXCatalog
import PBXClient
import PBXJSON

/// `users import FILE`: bulk provisioning from CSV or JSON Lines (docs/cli.md, "Bulk
/// provisioning"). Every row is validated before anything is sent; then rows are
/// created by `--concurrency` workers over kept-alive connections.
enum ImportCommand {
    /// Columns an export writes that are not fields of a create; an import skips them.
    static let readOnlyFields: Set<String> = ["id", "created_at", "profile", "avatar_file_name", "avatar_file_size", "avatar_file_url", "sync_type", "ms365_id", "presence", "presence_note", "balance"]
    static let secretFields = ["password", "extension_password", "voicemail_pin"]

    static var command: Command {
        Command("import", "Create users in bulk from CSV or JSON Lines",
                details: "Create users from FILE (- for stdin): CSV with a header row of API field names (dotted for nested objects, e.g. office_hours.mode) or JSON Lines, one user per line. Every row is checked first; if any is invalid, all bad rows are reported with their line and field and nothing is sent (exit 2). Then users are created by --concurrency workers. Columns an export writes but a create does not take (id, created_at…) are skipped. At the end a summary (created, skipped, failed) goes to stderr, failed rows with the reason go to FILE.failed.csv (mode 0600), and the exit code is 6 if any row failed. Re-running never creates a duplicate: the server refuses a second user with the same name or extension, and --skip-existing leaves those out before sending.",
                arguments: [Argument("FILE", "a .csv or .jsonl file, or - for stdin", completion: .files)],
                flags: [
                    Flag("concurrency", .int, value: "N", default: "32", help: "at most N users created at once (1-32); starts at 4, grows while answers stay fast, halves on 429/503"),
                    Flag("skip-existing", help: "leave out rows whose name or extension_number already exists (one paged read of users)"),
                    Flag("generate-secrets", help: "fill in a missing password, extension_password and voicemail_pin with random ones, written to FILE.secrets.csv (mode 0600)"),
                    Flag("format", .choice(["csv", "jsonl"]), value: "FMT", help: "the input format (default: from the file name, or sniffed)"),
                ],
                examples: ["pbxctl users import users.csv --concurrency 8", "pbxctl users import users.csv --skip-existing --dry-run",
                           "pbxctl users export -o csv > users.csv && pbxctl -p other users import users.csv --generate-secrets"],
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
        let concurrency = line.int("concurrency") ?? AdaptiveConcurrency.importMaximum
        guard (1...32).contains(concurrency) else { throw APIError.usage("--concurrency must be 1 to 32") }
        let bytes: [UInt8]
        if source == "-" {
            bytes = invocation.io.stdinBytes()
        } else {
            guard let data = FileManager.default.contents(atPath: source) else { throw APIError.usage("\(source): cannot read the file") }
            bytes = Array(data)
        }
        guard let schema = PortSIPSpec.shared.operation("POST", "/users")?.bodySchema else { throw APIError.local("no createUser schema") }
        let format = line.string("format") ?? sniff(source, bytes)
        var rows = try format == "jsonl" ? readJSONLines(bytes) : readCSV(bytes, schema: schema)
        if line.bool("generate-secrets") { try generateSecrets(&rows, source: source, io: invocation.io) }
        try validate(rows, schema: schema)

        let client = try app.client(.portsip)
        var skipped = 0
        if line.bool("skip-existing") {
            let (names, extensions) = try existingUsers(client)
            let before = rows.count
            rows.removeAll { row in
                names.contains(row.body["name"]?.stringValue?.lowercased() ?? "") || extensions.contains(row.body["extension_number"]?.stringValue ?? "")
            }
            skipped = before - rows.count
        }
        if app.clientSettings.dryRun {
            for row in rows { try client.call("POST", "/users", body: .object(row.body)) }
            invocation.io.err("dry run: \(rows.count) user\(rows.count == 1 ? "" : "s") would be created, \(skipped) skipped; nothing was sent\n")
            return
        }
        let outcome = create(rows, client: client, concurrency: concurrency, io: invocation.io, quiet: app.output.quiet)
        let failedPath = (source == "-" ? "stdin" : source) + ".failed.csv"
        if outcome.failures.isEmpty {
            if FileManager.default.fileExists(atPath: failedPath) { try? FileManager.default.removeItem(atPath: failedPath) }
        } else {
            try writeFailed(outcome.failures, to: failedPath)
        }
        var summary = "created \(outcome.created), skipped \(skipped), failed \(outcome.failures.count)"
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
        var problems: [String] = []
        for (index, lineBytes) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let trimmed = lineBytes.filter { $0 != 0x0D }
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                guard case .object(var object) = try JSONParser.parse(Array(trimmed)) else {
                    problems.append("line \(index + 1): not a JSON object")
                    continue
                }
                for key in object.keys where readOnlyFields.contains(key) { object[key] = nil }
                rows.append(Row(line: index + 1, body: object))
            } catch let error as JSONParseError {
                problems.append("line \(index + 1): \(error.description)")
            }
        }
        if !problems.isEmpty { throw APIError.usage("invalid input; nothing was sent:\n  " + problems.joined(separator: "\n  ")) }
        return rows
    }

    static func readCSV(_ bytes: [UInt8], schema: JSON) throws -> [Row] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw APIError.usage("the CSV is not valid UTF-8; nothing was sent") }
        let records: [[String]]
        do {
            records = try DelimitedText.parseCSV(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        } catch let error as CSVError {
            throw APIError.usage("invalid CSV: \(error.message); nothing was sent")
        }
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), !header.isEmpty else { throw APIError.usage("the CSV is empty") }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted { throw APIError.usage("column '\(name)' appears twice in the header") }
        var rows: [Row] = []
        var problems: [String] = []
        for (index, record) in records.dropFirst().enumerated() {
            let lineNumber = index + 2
            if record.allSatisfy({ $0.isEmpty }) { continue }
            guard record.count == header.count else {
                problems.append("line \(lineNumber): \(record.count) cells for \(header.count) columns")
                continue
            }
            var body = JSONObject()
            for (column, cell) in zip(header, record) where !cell.isEmpty && !readOnlyFields.contains(column) {
                let type = SchemaValidator.schema(of: schema, path: column).flatMap(SchemaValidator.type(of:))
                switch type {
                case "array", "object": body.set(path: column, to: (try? JSONParser.parse(cell)) ?? .string(cell))
                default: body.set(path: column, to: BodyInput.typed(cell, schemaType: type))
                }
            }
            rows.append(Row(line: lineNumber, body: body))
        }
        if !problems.isEmpty { throw APIError.usage("invalid CSV; nothing was sent:\n  " + problems.joined(separator: "\n  ")) }
        return rows
    }

    /// Every row against the vendor schema and the prose rules, plus duplicates within the file.
    static func validate(_ rows: [Row], schema: JSON) throws {
        let known = Set(SchemaValidator.propertyNames(of: schema))
        var problems: [String] = []
        var names: [String: Int] = [:]
        var extensions: [String: Int] = [:]
        var missingSecrets = false
        for row in rows {
            var rowProblems: [SchemaViolation] = []
            for key in row.body.keys where !known.contains(key) {
                rowProblems.append(SchemaViolation(field: key, message: "is not a field of createUser" + Suggest.hint(key, among: Array(known)).replacingOccurrences(of: "\n\n", with: "; ")))
            }
            rowProblems += PortSIPRules.bodyProblems(row.body, resource: "users")
            rowProblems += SchemaValidator.validate(.object(row.body), against: schema, at: "")
            if let name = row.body["name"]?.stringValue?.lowercased() {
                if let first = names[name] { rowProblems.append(SchemaViolation(field: "name", message: "'\(name)' is also on line \(first)")) } else { names[name] = row.line }
            }
            if let number = row.body["extension_number"]?.stringValue {
                if let first = extensions[number] { rowProblems.append(SchemaViolation(field: "extension_number", message: "\(number) is also on line \(first)")) } else { extensions[number] = row.line }
            }
            // One line per bad row, one message per field.
            var fields = Set<String>()
            let unique = rowProblems.filter { fields.insert($0.field).inserted }
            if unique.isEmpty { continue }
            missingSecrets = missingSecrets || unique.contains { secretFields.contains($0.field) && $0.message == "is required" }
            problems.append("line \(row.line): " + unique.map(\.text).joined(separator: "; "))
        }
        if !problems.isEmpty {
            let hint = missingSecrets ? "\n(--generate-secrets fills in missing passwords and PINs)" : ""
            throw APIError.usage("\(problems.count) of \(rows.count) row\(rows.count == 1 ? "" : "s") are invalid; nothing was sent:\n  " + problems.joined(separator: "\n  ") + hint)
        }
    }

    /// One paged read of every user: the names and extension numbers already taken.
    static func existingUsers(_ client: APIClient) throws -> (Set<String>, Set<String>) {
        var names = Set<String>()
        var extensions = Set<String>()
        var walker = PageWalker(pageSize: 100, limit: nil, all: true)
        while let page = walker.next() {
            let answer = try client.call("GET", "/users", query: [("skip", String(page.skip)), ("top", String(page.top))])
            if answer.dryRun { break }
            let items = answer.json?["items"]?.arrayValue ?? []
            if pbx_interrupted != 0 { throw APIError(kind: .interrupted, message: "interrupted") }
            for item in items {
                if let name = item["name"]?.stringValue { names.insert(name.lowercased()) }
                if let number = item["extension_number"]?.stringValue { extensions.insert(number) }
            }
            _ = walker.accept(count: items.count, total: try answer.json.flatMap { try PageWalker.count(in: $0) })
        }
        return (names, extensions)
    }

    struct Outcome {
        var created = 0
        var failures: [(row: Row, reason: String)] = []
        var interrupted = false
    }

    /// `concurrency` workers take rows in order; how many of them send at once is
    /// chosen from the server's answers (`AdaptiveConcurrency`), up to all of them.
    static func create(_ rows: [Row], client: APIClient, concurrency: Int, io: IOContext, quiet: Bool) -> Outcome {
        client.concurrency = AdaptiveConcurrency(initial: AdaptiveConcurrency.initial, maximum: concurrency)
        defer { client.concurrency = nil }
        // What the workers share, under `lock`.
        final class Shared: @unchecked Sendable {
            var next = 0
            var outcome = Outcome()
            var done = 0
        }
        let lock = NSLock()
        let shared = Shared()
        let progress = ProgressBar(total: rows.count, enabled: io.stderrIsTTY && !quiet, io: io)
        let group = DispatchGroup()
        for _ in 0..<min(concurrency, max(rows.count, 1)) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while true {
                    lock.lock()
                    if pbx_interrupted != 0 || shared.next >= rows.count {
                        lock.unlock()
                        return
                    }
                    let row = rows[shared.next]
                    shared.next += 1
                    lock.unlock()
                    var failure: String?
                    var createdID: String?
                    do {
                        let answer = try client.call("POST", "/users", body: .object(row.body))
                        createdID = answer.json?["id"]?.stringValue
                    } catch let error as APIError {
                        failure = error.kind == .interrupted ? "not finished: interrupted" : error.text
                    } catch {
                        failure = "\(error)"
                    }
                    lock.lock()
                    if let failure { shared.outcome.failures.append((row, failure)) } else { shared.outcome.created += 1 }
                    shared.done += 1
                    progress.update(done: shared.done, failed: shared.outcome.failures.count)
                    if quiet, let createdID { io.out(createdID + "\n") }
                    lock.unlock()
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        progress.finish()
        if pbx_interrupted != 0 {
            shared.outcome.interrupted = true
            lock.lock()
            for row in rows[shared.next...] { shared.outcome.failures.append((row, "not attempted: interrupted")) }
            lock.unlock()
        }
        var outcome = shared.outcome
        outcome.failures.sort { $0.row.line < $1.row.line }
        return outcome
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
        try ConfigStore.atomicWrite(text, to: path, mode: 0o600)
    }

    static func flatten(_ value: JSON, prefix: String, into cells: inout [String: String], order: inout [String]) {
        if case .object(let object) = value {
            for (key, child) in object { flatten(child, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &cells, order: &order) }
            return
        }
        if !order.contains(prefix) { order.append(prefix) }
        cells[prefix] = value.cellText
    }

    /// Random secrets that satisfy PortSIP's rules, recorded in a 0600 file beside the
    /// input before anything is sent. A re-run reuses what that file already holds for
    /// a row, so a user created by an interrupted run keeps the password on record,
    /// and the file only ever grows.
    static func generateSecrets(_ rows: inout [Row], source: String, io: IOContext) throws {
        let path = (source == "-" ? "stdin" : source) + ".secrets.csv"
        var recorded: [(key: String, values: [String])] = []
        if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
            for record in (try? DelimitedText.parseCSV(text))?.dropFirst() ?? [] where record.count == 2 + secretFields.count {
                recorded.append((record[0].lowercased(), Array(record[2...])))
            }
        }
        var generated = 0
        for index in rows.indices {
            let name = rows[index].body["name"]?.stringValue?.lowercased() ?? ""
            let previous = recorded.last(where: { $0.key == name })?.values
            var made = false
            for (position, field) in secretFields.enumerated() where rows[index].body[field] == nil {
                let value = previous.map { $0[position] } ?? (field == "voicemail_pin" ? Secrets.pin() : Secrets.password())
                rows[index].body[field] = .string(value)
                made = made || previous == nil
            }
            guard made else { continue }
            generated += 1
            recorded.append((name, secretFields.map { rows[index].body[$0]?.cellText ?? "" }))
        }
        guard generated > 0 else { return }
        let numbers = Dictionary(rows.map { ($0.body["name"]?.stringValue?.lowercased() ?? "", $0.body["extension_number"]?.cellText ?? "") }, uniquingKeysWith: { first, _ in first })
        var lines = DelimitedText.row(["name", "extension_number"] + secretFields, format: .csv)
        for entry in recorded { lines += DelimitedText.row([entry.key, numbers[entry.key] ?? ""] + entry.values, format: .csv) }
        try ConfigStore.atomicWrite(lines, to: path, mode: 0o600)
        io.err("generated secrets for \(generated) user\(generated == 1 ? "" : "s"); they are in \(path) (mode 0600)\n")
    }
}

enum Secrets {
    static func password() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<12).map { _ in alphabet.randomElement()! }) + "#" + String(Int.random(in: 10...99))
    }

    /// Six digits with no run of three and no three-digit sequence (PortSIP's PIN policy).
    static func pin() -> String {
        while true {
            let candidate = String((0..<6).map { _ in Character(String(Int.random(in: 0...9))) })
            if PortSIPRules.voicemailPINProblem(candidate) == nil { return candidate }
        }
    }
}

/// A one-line progress bar on stderr, drawn only on a terminal.
final class ProgressBar {
    let total: Int
    let enabled: Bool
    let io: IOContext
    private var lastDrawn = -1

    init(total: Int, enabled: Bool, io: IOContext) {
        self.total = total
        self.enabled = enabled && total > 0
        self.io = io
    }

    func update(done: Int, failed: Int) {
        guard enabled else { return }
        let percent = done * 100 / total
        guard percent != lastDrawn || done == total else { return }
        lastDrawn = percent
        let width = 30
        let filled = done * width / total
        io.err("\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)" + (failed > 0 ? " (\(failed) failed)" : ""))
    }

    func finish() {
        if enabled { io.err("\r\u{1B}[K") }
    }
}
