import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `contacts sync` and `cdrs sync`: PortSIP's sync-token protocol. Without `--token`
/// a token is obtained first and the first diff printed; the next token goes to stderr
/// (`next sync token: …`), and with `-o json` into the envelope `{"token", "items"}`.
enum SyncCommands {
    static let token = FlagKey<String?>.string("token", value: "TOKEN", help: "the token the previous sync printed")
    static let since = FlagKey<String?>.string("since", value: "RFC3339", help: "start time for a new token, e.g. 2026-11-01T00:00:00Z")

    static let details = " Changes go to stdout, one item each with its change_type (CREATED, UPDATED, DELETED); the token for the next run goes to stderr as 'next sync token: TOKEN', and with -o json the answer is the envelope {\"token\": ..., \"items\": [...]}."

    static var contacts: Command {
        Command("sync", "Print contact changes since a sync token",
                details: "Print contact changes since a sync token (without --token: obtain one, and print every contact as CREATED)." + details,
                flags: [
                    PortSIPRecordsCatalog.contactKind.with(help: "which contact list").flag, token.flag,
                ],
                examples: ["pbxctl contacts sync --kind business", "pbxctl contacts sync -o json | jq -r .token > .contacts-token", "pbxctl contacts sync --token \"$(cat .contacts-token)\" -o jsonl"],
                backend: .portsip, run: { invocation in
                    let kind = invocation.line[PortSIPRecordsCatalog.contactKind]
                    let base = "/user/" + (PortSIPRecordsCatalog.contactKinds.first { $0.value == kind }?.segment ?? "contacts")
                    try run(invocation, base: base, query: [], columns: ["change_type", "id", "name", "email", "mobile_phone", "company"], again: "pbxctl contacts sync")
                })
    }

    static var cdrs: Command {
        Command("sync", "Print CDRs since a time or a sync token",
                details: "Print call detail records since --since (RFC 3339) or since a sync token, one row per call leg." + details,
                flags: [
                    since.flag, token.flag,
                ],
                examples: ["pbxctl cdrs sync --since 2026-11-01T00:00:00Z", "pbxctl cdrs sync --since 2026-11-01T00:00:00Z -o json | jq -r .token > .cdrs-token", "pbxctl cdrs sync --token \"$(cat .cdrs-token)\" -o jsonl"],
                backend: .portsip, run: { invocation in
                    var query: [(String, String)] = []
                    if let since = invocation.line[Self.since] {
                        guard invocation.line[Self.token] == nil else { throw APIError.usage("--since starts a new sync; it cannot go with --token") }
                        guard RFC3339.isValid(since) else { throw APIError.usage("--since: '\(since)' is not an RFC 3339 time such as 2026-11-01T00:00:00Z") }
                        query = [("date_from", since)]
                    }
                    try run(invocation, base: "/user/cdrs", query: query, columns: ["change_type", "id", "started_at", "caller", "callee", "ended_at"],
                            again: "pbxctl cdrs sync", rows: legRows)
                })
    }

    /// A CDR change holds the call's legs under its own `items`: one row per leg, each
    /// with the change's id and change_type (a deleted CDR, with no legs, is one row).
    static func legRows(_ changes: [JSON]) -> [JSON] {
        changes.flatMap { change -> [JSON] in
            let head = JSONObject([("id", change["id"] ?? .null), ("change_type", change["change_type"] ?? .null)])
            let legs = change["items"]?.arrayValue ?? []
            guard !legs.isEmpty else { return [.object(head)] }
            return legs.map { leg in
                var row = head
                for (key, value) in leg.objectValue ?? JSONObject() where row[key] == nil { row[key] = value }
                return .object(row)
            }
        }
    }

    static func run(_ invocation: Invocation, base: String, query: [(String, String)], columns: [String], again: String,
                    rows: ([JSON]) -> [JSON] = { $0 }) throws {
        let app = invocation.app
        let client = try invocation.client()
        var token = invocation.line[Self.token]
        if let given = token, given.isEmpty || given.contains("/") { throw APIError.usage("--token '\(given)' is not a sync token") }
        if token == nil {
            let created = try client.call("POST", base + "/sync_tokens", query: query)
            if created.dryRun {
                _ = try client.call("POST", base + "/sync_tokens/{token}/diff")
                return
            }
            guard let fresh = created.json?["token"]?.stringValue else {
                throw APIError(kind: .malformed, status: created.status, code: "MALFORMED", message: "the sync token answer has no token", backend: "portsip")
            }
            token = fresh
        }
        let diff: APIResponse
        do {
            diff = try client.call("POST", PathTemplate.fill(base + "/sync_tokens/{token}/diff", [token!]))
        } catch var error as APIError where error.status == 403 {
            error.message = "the server no longer knows this sync token (\(error.message)); start over with '\(again)' without --token"
            throw error
        }
        if diff.dryRun { return }
        let next = diff.json?["token"]?.stringValue ?? ""
        let items = rows(diff.json?["items"]?.arrayValue ?? [])
        let output = app.output
        if output.format == .json, !output.quiet {
            let shaped = output.fields.map { fields in items.map { FieldSelection.project($0, fields: fields) } } ?? items
            invocation.io.out(JSON.object(JSONObject([("token", .string(next)), ("items", .array(shaped))])).prettyText + "\n")
        } else {
            let renderer = Renderer(options: output, sink: invocation.io.stdout, defaultColumns: columns)
            renderer.emit(items)
            renderer.finishList()
        }
        invocation.io.stdout.flush()
        invocation.io.err("next sync token: \(TerminalText.escape(next))\n")
    }
}
