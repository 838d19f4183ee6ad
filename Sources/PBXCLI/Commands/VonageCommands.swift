import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// `callback-numbers`: a Vonage Contact Center user's callback numbers. The API can
/// only replace a user's whole list, so add/remove read every page first, and
/// write only a list they could read consistently.
enum VonageCommands {
    static let columns = ["callbackNumberId", "callbackNumberName", "callbackNumberClid"]

    /// Vonage pages hold 1 to 5000 numbers.
    static let pageSize = FlagKey<Int>.int("page-size", value: "N", default: 25, in: 1...5000, help: "numbers per request (1-5000)")
    static let user = FlagKey<String?>.string("user", value: "USER_ID", help: "list this user's numbers (default: every number in the account)")

    static var group: Command {
        let user = Argument("USER_ID", "Vonage user ID, e.g. agent-30")
        let numbers = Argument("NUMBER_ID", "callback number IDs", variadic: true)
        return Command("callback-numbers", "Vonage Contact Center users' callback numbers", children: [
            Command("list", "List a user's callback numbers, or the account's",
                    flags: Flag.of(Self.user, ListFlags.all, ListFlags.limit.with(help: "stop after N numbers"), pageSize),
                    examples: ["pbxctl callback-numbers list --user agent-30 --all", "pbxctl callback-numbers list -o csv --all"],
                    backend: .vonage, run: list),
            Command("set", "Replace a user's callback numbers", arguments: [user, numbers], flags: [CommonFlags.yes.flag],
                    examples: ["pbxctl callback-numbers set agent-30 cbn-001 cbn-002 --yes"], backend: .vonage, run: set),
            Command("add", "Add callback numbers to a user, keeping the others", arguments: [user, numbers], flags: [pageSize.flag],
                    examples: ["pbxctl callback-numbers add agent-30 cbn-031"], backend: .vonage, run: { try modify($0, adding: true) }),
            Command("remove", "Remove callback numbers from a user, keeping the others", arguments: [user, numbers], flags: Flag.of(pageSize, CommonFlags.yes),
                    examples: ["pbxctl callback-numbers remove agent-30 cbn-001 --yes"], backend: .vonage, run: { try modify($0, adding: false) }),
        ])
    }

    /// Walks `limit`/`page` pages, handing each page's numbers and the whole answer to
    /// `each`; false on a dry run. A page shorter than asked for is the last: `meta`
    /// is not needed, and a server that leaves it out or miscounts loses nothing.
    @discardableResult
    static func walk(_ client: APIClient, path: String, pageSize: Int, all: Bool, limit: Int?, each: ([JSON], JSON) throws -> Void) throws -> Bool {
        var pager = Pager(style: .pageLimit(pageSize: pageSize), limit: limit, all: all)
        return try pager.walk(fetch: { pageQuery in
            let answer = try client.call("GET", path, query: pageQuery)
            if answer.dryRun { return nil }
            guard let json = answer.json, let numbers = json["callbackNumbers"]?.arrayValue else {
                throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "expected callbackNumbers in the answer", backend: "vonage")
            }
            return Pager.Page(items: numbers, total: nil, answer: json)
        }, each: { kept, page in
            try each(kept, page.answer ?? .null)
            return true
        })
    }

    static func userPath(_ id: String) throws -> String {
        guard !id.isEmpty, !id.contains("/") else { throw APIError.usage("'\(id)' is not a Vonage user ID") }
        return PathTemplate.fill("/users/{id}/callbackNumbers", [id])
    }

    static func list(_ invocation: Invocation) throws {
        let line = invocation.line
        let size = line[pageSize]
        let path = try line[Self.user].map(userPath) ?? "/callbackNumbers"
        let client = try invocation.client()
        let renderer = Renderer(options: invocation.app.output, sink: invocation.io.stdout, defaultColumns: columns, idKey: "callbackNumberId")
        if try walk(client, path: path, pageSize: size, all: line[ListFlags.all], limit: line[ListFlags.limit], each: { page, _ in
            renderer.emit(page)
            invocation.io.stdout.flush()
        }) {
            renderer.finishList()
        }
    }

    static func writeClient(_ invocation: Invocation) throws -> APIClient {
        try VonageBackend.client(profile: invocation.profile(), scope: "users:write", app: invocation.app)
    }

    static func put(_ client: APIClient, _ path: String, _ ids: [String]) throws {
        let body: JSON = ["callbackNumbers": .array(ids.map { ["callbackNumberId": .string($0)] })]
        try client.call("PUT", path, body: body)
    }

    static func requestedIDs(_ invocation: Invocation) throws -> [String] {
        let ids = invocation.line.variadic("NUMBER_ID")
        for id in ids where id.isEmpty || id.contains(where: \.isWhitespace) { throw APIError.usage("'\(id)' is not a callback number ID") }
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    static func set(_ invocation: Invocation) throws {
        let user = try invocation.require("USER_ID")
        let path = try userPath(user)
        let ids = try requestedIDs(invocation)
        try invocation.confirm("Replace every callback number of \(user) with \(ids.count == 1 ? "this one" : "these \(ids.count)")?")
        try put(try writeClient(invocation), path, ids)
        if !invocation.app.clientSettings.dryRun { invocation.io.err("\(user) now has \(ids.count) callback number\(ids.count == 1 ? "" : "s")\n") }
    }

    /// Read the whole list until two reads agree, change it, write it back whole;
    /// no-ops say so and write nothing.
    static func modify(_ invocation: Invocation, adding: Bool) throws {
        let user = try invocation.require("USER_ID")
        let path = try userPath(user)
        let wanted = try requestedIDs(invocation)
        let size = invocation.line[pageSize]
        let reader = try invocation.client()
        guard let current = try CallbackNumberSnapshot.read(reader, path: path, pageSize: size, user: user) else {
            invocation.io.err("note: a dry run cannot read the current list; the PUT would carry it with the change applied\n")
            return
        }
        var updated = current
        var changed: [String] = []
        for id in wanted {
            if adding {
                if current.contains(id) { invocation.io.err("\(id) is already assigned to \(user); nothing to add\n") } else {
                    updated.append(id)
                    changed.append(id)
                }
            } else if current.contains(id) {
                updated.removeAll { $0 == id }
                changed.append(id)
            } else {
                invocation.io.err("\(id) is not assigned to \(user); nothing to remove\n")
            }
        }
        guard !changed.isEmpty else { return }
        try CallbackNumberSnapshot.checkOnlyRequestedRemoved(before: current, after: updated, removable: adding ? [] : Set(wanted))
        if !adding { try invocation.confirm("Remove \(changed.joined(separator: ", ")) from \(user)?") }
        try put(try writeClient(invocation), path, updated)
        invocation.io.err("\(adding ? "Added" : "Removed") \(changed.joined(separator: ", ")); \(user) now has \(updated.count) callback number\(updated.count == 1 ? "" : "s")\n")
    }
}
