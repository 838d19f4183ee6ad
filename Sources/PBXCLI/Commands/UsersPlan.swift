import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// One change between a roster file and the PBX's users.
struct UserChange {
    enum Action: String, CaseIterable {
        case create, conflict, update, role, groupAdd = "group-add", groupRemove = "group-remove", delete
    }

    var action: Action
    var extensionNumber: String
    var field: String?
    var from: JSON?
    var to: JSON?
    var reason: String?
    /// The user's ID on the PBX (all but creates).
    var userID: String?
    /// The group's ID (group changes).
    var groupID: String?
    /// A create's whole body, secrets included: sent, never printed.
    var body: JSONObject?

    /// What `-o json` shows: no IDs, no secrets.
    var record: JSON {
        var object = JSONObject([("action", .string(action.rawValue)), ("extension_number", .string(extensionNumber))])
        if let field { object["field"] = .string(field) }
        if let from { object["from"] = from }
        if let to { object["to"] = to }
        if let reason { object["reason"] = .string(reason) }
        return .object(object)
    }

    /// One line of the readable plan: `+` create, `~` change, `-` delete, `!` conflict.
    var line: String {
        func shown(_ value: JSON?) -> String { value.map { $0.isNull ? "(none)" : $0.compactText } ?? "(none)" }
        switch action {
        case .create:
            let fields = (to?.objectValue ?? JSONObject()).map { "\($0.key)=\($0.value.compactText)" }
            return "+ \(extensionNumber) create " + fields.joined(separator: " ")
        case .update, .role: return "~ \(extensionNumber) \(field ?? ""): \(shown(from)) → \(shown(to))"
        case .groupAdd: return "~ \(extensionNumber) groups: + \(shown(to))"
        case .groupRemove: return "~ \(extensionNumber) groups: - \(shown(from))"
        case .delete: return "- \(extensionNumber) delete \(shown(from))"
        case .conflict:
            let change = field == "groups" ? "groups: + \(shown(to)) " : field.map { "\($0): \(shown(from)) → \(shown(to)) " } ?? ""
            return "! \(extensionNumber) \(change)(\(reason ?? "conflict"))"
        }
    }
}

/// The roster (`users diff|apply -f FILE`) against the PBX: what would make the PBX
/// match it. Users are matched by extension number; a cell left empty leaves that
/// field as it is; secrets are never compared.
struct UsersPlan {
    /// Fields a user has only from its creation: a difference is a conflict.
    static let fixedFields: Set<String> = ["name"]
    static let secretFields = Set(ImportCommand.secretFields)

    struct Row {
        let line: Int
        /// The fields the file sets (no `groups`).
        var body: JSONObject
        /// Group names, when the file has a groups cell for this row.
        var groups: [String]?
        var extensionNumber: String { body["extension_number"]?.cellText ?? "" }
    }

    var changes: [UserChange] = []
    /// How many users the PBX has (for the --prune share).
    var existingCount = 0

    var isEmpty: Bool { changes.isEmpty }
    var deletes: Int { changes.filter { $0.action == .delete }.count }

    /// Reads FILE as `users import` does, plus a `groups` column (names separated by `;`).
    static func readRows(_ source: String, format: String?, io: IOContext) throws -> [Row] {
        let bytes: [UInt8]
        if source == "-" {
            bytes = io.stdinBytes()
        } else {
            guard let data = FileManager.default.contents(atPath: source) else { throw APIError.usage("\(source): cannot read the file") }
            bytes = Array(data)
        }
        let schema = try ImportCommand.createSchema()
        let chosen = format ?? ImportCommand.sniff(source, bytes)
        let rows = try chosen == "jsonl" ? ImportCommand.readJSONLines(bytes) : ImportCommand.readCSV(bytes, schema: schema)
        return rows.map { row in
            var body = row.body
            var groups: [String]?
            if let value = body["groups"] {
                body["groups"] = nil
                let names: [String]
                if let list = value.arrayValue { names = list.map(\.cellText) } else { names = value.cellText.split(separator: ";").map(String.init) }
                groups = names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            return Row(line: row.line, body: body, groups: groups)
        }
    }

    /// Every row names an extension once, and sets only fields a user has, with values
    /// the vendor document allows; a create's required fields are checked when applied.
    static func validate(_ rows: [Row]) throws {
        let schema = try ImportCommand.createSchema()
        // Fields and values only: what a create needs is checked when it is applied.
        let validator = RequestValidator(operationId: ImportCommand.entry.specOperation?.operationId ?? "createUser", schema: schema, rules: nil,
                                         owner: "a user", alsoKnown: ["groups"], inputChecks: false)
        var problems: [String] = []
        var seen: [String: Int] = [:]
        for row in rows {
            var rowProblems: [String] = []
            let number = row.extensionNumber
            if number.isEmpty {
                rowProblems.append("extension_number is required: users are matched by it")
            } else if let first = seen[number] {
                rowProblems.append("extension_number \(number) is also on line \(first)")
            } else {
                seen[number] = row.line
            }
            // A roster's unknown column reads as a sentence ("colour is not a field of a user").
            rowProblems += RequestValidator.firstPerField(validator.problems(row.body)).filter { $0.message != "is required" }.map { problem in
                RequestValidator.isUnknownField(problem) ? "\(problem.field) \(problem.message)" : problem.text
            }
            if !rowProblems.isEmpty { problems.append("line \(row.line): " + rowProblems.joined(separator: "; ")) }
        }
        if !problems.isEmpty {
            let verb = problems.count == 1 ? "is" : "are"
            throw APIError.usage(lines: ["\(problems.count) of \(rows.count) row\(rows.count == 1 ? "" : "s") \(verb) invalid; nothing was sent:"] + problems.map { "  " + $0 })
        }
    }

    /// Reads the PBX (users, and groups when the file names any) and compares.
    static func make(_ rows: [Row], prune: Bool, client: APIClient) throws -> UsersPlan? {
        guard let users = try readAll(client, "/users") else { return nil }
        var plan = UsersPlan()
        plan.existingCount = users.count
        var byExtension: [String: JSONObject] = [:]
        for user in users {
            if let object = user.objectValue, let number = object["extension_number"]?.cellText { byExtension[number] = object }
        }
        let listFields = Set(users.flatMap { $0.objectValue?.keys ?? [] })
        var groupIDs: [String: String] = [:]
        var membership: [String: Set<String>] = [:]
        if rows.contains(where: { $0.groups != nil }) {
            guard let groups = try readAll(client, "/groups") else { return nil }
            for group in groups {
                guard let id = group["id"]?.stringValue, let name = group["name"]?.stringValue, groupIDs[name] == nil else { continue }
                groupIDs[name] = id
                guard let members = try readAll(client, PathTemplate.fill("/groups/{id}/members", [id])) else { return nil }
                for member in members { if let number = member["extension_number"]?.cellText { membership[number, default: []].insert(name) } }
            }
        }
        for row in rows {
            let number = row.extensionNumber
            guard var current = byExtension[number] else {
                var shown = row.body
                for key in secretFields { shown[key] = nil }
                plan.changes.append(UserChange(action: .create, extensionNumber: number, to: .object(shown), body: row.body))
                for name in row.groups ?? [] {
                    if let id = groupIDs[name] {
                        plan.changes.append(UserChange(action: .groupAdd, extensionNumber: number, to: .string(name), groupID: id))
                    } else {
                        plan.changes.append(UserChange(action: .conflict, extensionNumber: number, field: "groups", to: .string(name), reason: "no group named \(name) on the PBX"))
                    }
                }
                continue
            }
            let id = current["id"]?.stringValue
            // Fields a list does not show (office hours, forwarding rules…) need the user's own record.
            if row.body.keys.contains(where: { !listFields.contains($0) && !secretFields.contains($0) }), let id {
                guard let answer = try readOne(client, PathTemplate.fill("/users/{id}", [id])) else { return nil }
                current.merge(answer)
            }
            for (key, wanted) in row.body where key != "extension_number" && !secretFields.contains(key) {
                let have = current[key] ?? .null
                guard !same(have, wanted) else { continue }
                if fixedFields.contains(key) {
                    plan.changes.append(UserChange(action: .conflict, extensionNumber: number, field: key, from: have, to: wanted, reason: "cannot be changed after creation", userID: id))
                } else {
                    plan.changes.append(UserChange(action: key == "role" ? .role : .update, extensionNumber: number, field: key, from: have, to: wanted, userID: id))
                }
            }
            if let wanted = row.groups {
                let have = membership[number] ?? []
                for name in wanted where !have.contains(name) {
                    if let groupID = groupIDs[name] {
                        plan.changes.append(UserChange(action: .groupAdd, extensionNumber: number, to: .string(name), userID: id, groupID: groupID))
                    } else {
                        plan.changes.append(UserChange(action: .conflict, extensionNumber: number, field: "groups", to: .string(name), reason: "no group named \(name) on the PBX", userID: id))
                    }
                }
                for name in have.sorted() where !wanted.contains(name) {
                    plan.changes.append(UserChange(action: .groupRemove, extensionNumber: number, from: .string(name), userID: id, groupID: groupIDs[name]))
                }
            }
        }
        if prune {
            let inFile = Set(rows.map(\.extensionNumber))
            for (number, user) in byExtension where !inFile.contains(number) {
                plan.changes.append(UserChange(action: .delete, extensionNumber: number, from: user["name"] ?? .null, userID: user["id"]?.stringValue))
            }
        }
        plan.changes.sort(by: order)
        return plan
    }

    /// Equal as the API means it: objects whatever their key order, 1 and 1.0 alike.
    static func same(_ a: JSON, _ b: JSON) -> Bool {
        if let x = a.objectValue, let y = b.objectValue {
            guard x.count == y.count else { return false }
            return x.allSatisfy { entry in y[entry.key].map { same(entry.value, $0) } ?? false }
        }
        if let x = a.arrayValue, let y = b.arrayValue { return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) } }
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    /// By extension (numerically), then create, conflicts, updates, role, groups, delete.
    static func order(_ a: UserChange, _ b: UserChange) -> Bool {
        if a.extensionNumber != b.extensionNumber {
            if a.extensionNumber.count != b.extensionNumber.count { return a.extensionNumber.count < b.extensionNumber.count }
            return a.extensionNumber < b.extensionNumber
        }
        let rank = UserChange.Action.allCases
        if a.action != b.action { return rank.firstIndex(of: a.action)! < rank.firstIndex(of: b.action)! }
        let keyA = a.field ?? (a.to ?? a.from)?.cellText ?? "", keyB = b.field ?? (b.to ?? b.from)?.cellText ?? ""
        if keyA != keyB { return keyA < keyB }
        return (a.to ?? a.from)?.cellText ?? "" < (b.to ?? b.from)?.cellText ?? ""
    }

    /// Every item of a list, following PortSIP's skip/top pages where it has them; nil on a dry run.
    static func readAll(_ client: APIClient, _ path: String) throws -> [JSON]? {
        let paged = PortSIPSpec.shared.match(method: "GET", path: path)?.0.queryParameter("top") != nil
        var items: [JSON] = []
        var pager = Pager(style: .skipTop(pageSize: 100), paged: paged)
        let walked = try pager.walk(fetch: { pageQuery in
            let answer = try client.call("GET", path, query: pageQuery)
            if answer.dryRun { return nil }
            guard let found = answer.json?["items"]?.arrayValue else {
                throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "expected {\"items\"} from GET \(path)", backend: "portsip")
            }
            return Pager.Page(items: found, total: answer.json?["count"]?.intValue, answer: answer.json)
        }, each: { page, _ in
            items += page
            return true
        })
        return walked ? items : nil
    }

    static func readOne(_ client: APIClient, _ path: String) throws -> JSONObject? {
        let answer = try client.call("GET", path)
        if answer.dryRun { return nil }
        guard let object = answer.json?.objectValue else {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "expected a JSON object from GET \(path)", backend: "portsip")
        }
        return object
    }
}
