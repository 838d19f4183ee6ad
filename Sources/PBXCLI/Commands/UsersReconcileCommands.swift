import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `users diff -f FILE` and `users apply -f FILE`: keep a PBX's users in line with a
/// roster, as `kubectl diff`/`apply` do for manifests.
enum UsersReconcileCommands {
    static let file = FlagKey<String?>.string("file", short: "f", value: "FILE", completion: .files,
                                              help: "the roster: CSV or JSON Lines as users import reads, with an optional groups column; - for stdin")
    static let prune = FlagKey<Bool>.bool("prune", help: "also delete users the file does not list")
    static let concurrency = FlagKey<Int>.int("concurrency", value: "N", default: 4, in: 1...32, help: "users changed at once (1-32)")

    /// Above this share of the PBX's users, `--prune` deletes only with `--force`.
    static let pruneShare = 0.25

    static let fileFlags = [
        file.flag, CommonFlags.rosterFormat.flag, prune.flag,
    ]

    static let rules = "Users are matched by extension_number. Each field the file sets is compared with the PBX (an empty cell leaves the field as it is; passwords and the voicemail PIN are never compared): "
        + "a user not on the PBX is created, a field that differs is updated, a different role goes through the role operation, and a groups column (group names separated by ;) adds and removes group memberships. "
        + "name cannot be changed after creation: a different name is reported as a conflict (!), never ignored. With --prune, users on the PBX but not in the file are deleted."

    static var diff: Command {
        Command("diff", "Show what would make the PBX's users match a file; exit 8 if anything differs",
                details: "Compare the users in FILE with the PBX and print the plan, one line per change: + create, ~ change (old → new), - delete, ! conflict; with -o json/jsonl, one record per change. "
                    + rules + " Exits 0 when the PBX matches the file and 8 when it does not, so CI can gate on drift. Only reads.",
                flags: fileFlags,
                examples: ["pbxctl users export -o csv > roster.csv && pbxctl users diff -f roster.csv", "pbxctl users diff -f roster.csv", "pbxctl users diff -f roster.csv --prune -o json"],
                backend: .portsip, run: { invocation in try runDiff(invocation) })
    }

    static var apply: Command {
        Command("apply", "Make the PBX's users match a file: create, update, set roles and groups, and (--prune) delete",
                details: "Compute the plan as users diff does, print it, ask on a terminal (--yes otherwise), then apply it with --concurrency workers and report each change. "
                    + rules + " Creates need password, extension_password and voicemail_pin in the file, or --generate-secrets (as users import). "
                    + "A create is sent at most once; an interrupted or failed apply, re-run, reads the PBX again and does only what is left, so applying the same file twice writes nothing the second time. "
                    + "--prune refuses to delete more than a quarter of the PBX's users unless --force. Exits 6 if a change failed or a conflict remains; with --dry-run, 8 if anything differs.",
                flags: fileFlags + [
                    CommonFlags.force.with(help: "with --prune, delete even more than a quarter of the PBX's users").flag,
                    CommonFlags.yes.flag, concurrency.flag,
                    CommonFlags.generateSecrets.with(help: "fill in a create's missing password, extension_password and voicemail_pin, written to FILE.secrets.csv (mode 0600)").flag,
                ],
                examples: ["pbxctl users apply -f roster.csv", "pbxctl users apply -f roster.csv --prune --yes --generate-secrets", "pbxctl users apply -f roster.csv --dry-run"],
                backend: .portsip, run: { invocation in try runApply(invocation) })
    }

    static func load(_ invocation: Invocation) throws -> (rows: [UsersPlan.Row], source: String) {
        guard let source = invocation.line[file] else { throw APIError.usage("missing -f FILE (a CSV or JSON Lines roster, or - for stdin)") }
        let rows = try UsersPlan.readRows(source, format: invocation.line[CommonFlags.rosterFormat], io: invocation.io)
        try UsersPlan.validate(rows)
        return (rows, source)
    }

    static func runDiff(_ invocation: Invocation) throws {
        let (rows, _) = try load(invocation)
        let client = try invocation.client()
        guard let plan = try UsersPlan.make(rows, prune: invocation.line[prune], client: client) else { return }
        show(plan.changes, invocation)
        if !plan.isEmpty { throw ExitStatus(code: 8) }
    }

    /// The plan as text (coloured on a terminal) or as records in a structured format.
    static func show(_ changes: [UserChange], _ invocation: Invocation, status: [String]? = nil) {
        let options = invocation.app.output
        if options.format == .table {
            for (index, change) in changes.enumerated() {
                let prefix = status.map { $0[index].padding(toLength: 8, withPad: " ", startingAt: 0) } ?? ""
                invocation.io.out(prefix + paint(change, options.color) + "\n")
            }
            return
        }
        let renderer = Renderer(options: options, sink: invocation.io.stdout, defaultColumns: (status == nil ? [] : ["status"]) + ["action", "extension_number", "field", "from", "to", "reason"],
                                idKey: "extension_number")
        renderer.emit(changes.enumerated().map { index, change in
            guard let status, var object = change.record.objectValue else { return change.record }
            object["status"] = .string(status[index])
            return .object(object)
        })
        renderer.finishList()
    }

    static func paint(_ change: UserChange, _ color: Bool) -> String {
        guard color else { return change.line }
        let code: String
        switch change.action {
        case .create: code = "32"
        case .delete: code = "31"
        case .conflict: code = "35"
        default: code = "33"
        }
        return "\u{1B}[\(code)m" + change.line + "\u{1B}[0m"
    }

    static func runApply(_ invocation: Invocation) throws {
        let app = invocation.app
        let line = invocation.line
        let concurrency = line[Self.concurrency]
        var (rows, source) = try load(invocation)
        let client = try invocation.client()
        let prune = line[Self.prune]
        // The plan is read before the dry-run switch, so --dry-run shows the real plan.
        guard var plan = try UsersPlan.make(rows, prune: prune, client: client.readingEvenInDryRun(invocation.io)) else { return }
        if plan.isEmpty {
            if !app.output.quiet { invocation.io.err("the PBX's users match \(source == "-" ? "the input" : source); nothing to do\n") }
            return
        }
        if prune, !line[CommonFlags.force], plan.existingCount > 0, Double(plan.deletes) > Double(plan.existingCount) * pruneShare {
            throw APIError.usage("--prune would delete \(plan.deletes) of the PBX's \(plan.existingCount) users, more than a quarter; check the file, or add --force. Nothing was changed")
        }
        // Creates need their secrets before anything is sent.
        let creating = Set(plan.changes.filter { $0.action == .create }.map(\.extensionNumber))
        // Made-up secrets are recorded only for the users actually created, after the run.
        let secrets = line[CommonFlags.generateSecrets] && !app.clientSettings.dryRun ? SecretsFile(source: source) : nil
        var generatedRows: [ImportCommand.Row] = []
        if !creating.isEmpty {
            var importRows = rows.filter { creating.contains($0.extensionNumber) }.map { ImportCommand.Row(line: $0.line, body: $0.body) }
            if let secrets {
                let generated = secrets.fill(&importRows)
                generatedRows = importRows.filter { generated[$0.line] != nil }
            }
            let schema = try ImportCommand.createSchema()
            if !(app.clientSettings.dryRun && line[CommonFlags.generateSecrets]) { try ImportCommand.validate(importRows, schema: schema) }
            let bodies = Dictionary(importRows.map { ($0.body["extension_number"]?.cellText ?? "", $0.body) }, uniquingKeysWith: { first, _ in first })
            for index in plan.changes.indices where plan.changes[index].action == .create {
                plan.changes[index].body = bodies[plan.changes[index].extensionNumber]
            }
            for index in rows.indices { if let body = bodies[rows[index].extensionNumber] { rows[index].body = body } }
        }
        if app.clientSettings.dryRun {
            show(plan.changes, invocation)
            throw ExitStatus(code: 8)
        }
        if app.output.format == .table { show(plan.changes, invocation) }
        let actionable = plan.changes.contains { $0.action != .conflict }
        if actionable, !line[CommonFlags.yes] {
            let question = "Apply \(plan.changes.count) change\(plan.changes.count == 1 ? "" : "s") to the PBX's users?"
            guard invocation.io.stdinIsTTY else { throw APIError.usage("\(question.dropLast()): refusing without --yes when not on a terminal; nothing was changed") }
            guard invocation.io.confirm(question) else { throw APIError.usage("cancelled; nothing was changed") }
        }
        let status = execute(plan.changes, client: client, concurrency: concurrency)
        if let secrets {
            let created = Set(zip(plan.changes, status).filter { $0.0.action == .create && $0.1 == "applied" }.map(\.0.extensionNumber))
            let recorded = generatedRows.filter { created.contains($0.body["extension_number"]?.cellText ?? "") }
            try secrets.record(recorded)
            if !recorded.isEmpty {
                invocation.io.err("generated secrets for \(recorded.count) user\(recorded.count == 1 ? "" : "s"); they are in \(secrets.path) (mode 0600)\n")
            }
        }
        if app.output.format == .table {
            for (change, result) in zip(plan.changes, status) where result != "applied" {
                invocation.io.err("\(result): \(change.line)\n")
            }
        } else {
            show(plan.changes, invocation, status: status)
        }
        let applied = status.filter { $0 == "applied" }.count
        let conflicts = plan.changes.filter { $0.action == .conflict }.count
        let failed = status.count - applied - conflicts
        if !app.output.quiet { invocation.io.err("applied \(applied), failed \(failed), conflicts \(conflicts)\n") }
        try Interrupt.process.check()
        if failed > 0 || conflicts > 0 {
            let parts = [failed > 0 ? "\(failed) change\(failed == 1 ? "" : "s") failed" : nil, conflicts > 0 ? "\(conflicts) conflict\(conflicts == 1 ? "" : "s") remain" : nil]
            throw APIError(kind: .partial, code: "PARTIAL", message: parts.compactMap { $0 }.joined(separator: " and ") + "; fix them and re-run: only what is left is done", backend: "portsip")
        }
    }

    /// Applies the changes, one user per worker at a time (create or update, then role,
    /// then groups, in that order); returns each change's status: applied, failed: …,
    /// conflict, not attempted.
    static func execute(_ changes: [UserChange], client: APIClient, concurrency: Int) -> [String] {
        var byUser: [[Int]] = []
        var position: [String: Int] = [:]
        for (index, change) in changes.enumerated() {
            if let slot = position[change.extensionNumber] { byUser[slot].append(index) } else {
                position[change.extensionNumber] = byUser.count
                byUser.append([index])
            }
        }
        let work = byUser
        let results = LockedSlots(changes.map { $0.action == .conflict ? "conflict" : "not attempted" })
        WorkerPool.forEach(work.count, workers: concurrency, stackSize: 1 << 20) { slot in
            run(work[slot], changes, client: client, results: results)
        }
        return results.all
    }

    /// One user's changes: the fields of an update go in one request; a failure stops
    /// that user's later changes, which stay "not attempted" for the next run.
    static func run(_ indexes: [Int], _ changes: [UserChange], client: APIClient, results: LockedSlots<String>) {
        var updateBody = JSONObject()
        var updates: [Int] = []
        for index in indexes where changes[index].action == .update {
            updateBody[changes[index].field ?? ""] = changes[index].to ?? .null
            updates.append(index)
        }
        func send(_ indexesDone: [Int], _ request: () throws -> Void) -> Bool {
            do {
                try request()
                for index in indexesDone { results.set(index, "applied") }
                return true
            } catch let error as APIError {
                for index in indexesDone { results.set(index, "failed: " + error.text) }
            } catch {
                for index in indexesDone { results.set(index, "failed: \(error)") }
            }
            return false
        }
        for index in indexes {
            let change = changes[index]
            let user = change.userID ?? ""
            let ok: Bool
            switch change.action {
            case .conflict: continue
            case .update:
                guard index == updates.first else { continue }
                ok = send(updates) { _ = try client.call("POST", PathTemplate.fill("/users/{id}", [user]), body: .object(updateBody)) }
            case .create:
                ok = send([index]) { _ = try client.call(ImportCommand.entry.method, ImportCommand.entry.path, body: .object(change.body ?? JSONObject())) }
            case .role:
                ok = send([index]) { _ = try client.call("POST", PathTemplate.fill("/users/{id}/role", [user]), body: .object(JSONObject([("role", change.to ?? .null)]))) }
            case .groupAdd, .groupRemove:
                let path = PathTemplate.fill("/groups/{id}/members/{extension_number}" + (change.action == .groupRemove ? "/destroy" : ""), [change.groupID ?? "", change.extensionNumber])
                ok = send([index]) { _ = try client.call("POST", path) }
            case .delete:
                ok = send([index]) { _ = try client.call("POST", PathTemplate.fill("/users/{id}/destroy", [user])) }
            }
            if !ok || Interrupt.process.isRequested { return }
        }
    }
}

extension APIClient {
    /// This connection with --dry-run off, for reads only: `users apply --dry-run` reads
    /// the PBX to show its real plan, and sends no change.
    func readingEvenInDryRun(_ io: IOContext) -> APIClient {
        guard settings.dryRun else { return self }
        var reading = settings
        reading.dryRun = false
        let client = APIClient(connection: connection, transport: wire, settings: reading, clock: clock, stdout: { io.out($0) }, stderr: { io.err($0) })
        client.refreshAuth = refreshAuth
        return client
    }
}
