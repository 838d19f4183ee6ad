import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// `pbxctl api`: a raw request with the profile's auth, like `gh api`.
enum APICommand {
    static let method = FlagKey<String?>.choice("method", short: "X", ["GET", "POST", "PUT", "PATCH", "DELETE"], value: "METHOD",
                                                help: "HTTP method (default GET, or POST when fields or a body are given)")
    static let field = BodyFlags.field.with(help: "a string parameter")
    static let rawField = BodyFlags.rawField.with(help: "a typed parameter: true, false, null, numbers, @FILE")
    static let header = FlagKey<[String]>.strings("header", short: "H", value: "'K: V'", help: "an extra request header")
    static let data = BodyFlags.data.with(help: "the request body from a file, or - for stdin")
    static let paginate = FlagKey<Bool>.bool("paginate", help: "follow PortSIP skip/top pages (or Vonage page/limit) and merge the items")

    static var command: Command {
        Command("api", "Send a raw request to a backend with the profile's auth",
                details: "Send a raw request to the profile's API (PATH is relative to its API root: /api for PortSIP, /api/v1 for Rocket.Chat, the User Admin API root for Vonage, /api for CommPeak). Fields go in the query string for GET and in a JSON body otherwise. The answer is printed as JSON unless -o says otherwise.",
                arguments: [Argument("PATH", "the path, e.g. /users or /users/ID/status")],
                flags: Flag.of(method, field, rawField, header, data, paginate),
                examples: ["pbxctl api -X GET /users -f filter=\"extension_number eq '1001'\"", "pbxctl api -X POST /users/NzAwNTUxOTA5NzczMTQ4MTYx/balance -F balance=10", "pbxctl api /users --paginate -o jsonl"],
                run: { invocation in try run(invocation) })
    }

    /// The named profile's backend; without one, the primary backend's.
    static func backend(_ app: App) throws -> any Backend {
        if let name = app.globals.profile, let type = try app.profileType(named: name) { return try app.backends.require(type) }
        return app.backends.primary
    }

    static func run(_ invocation: Invocation) throws {
        let app = invocation.app
        let line = invocation.line
        let backend = try backend(app)
        let client = try app.client(backend.type)
        var path = try invocation.require("PATH")
        if !path.hasPrefix("/") { path = "/" + path }
        if let prefix = backend.apiPrefix, path.hasPrefix(prefix + "/") { path = String(path.dropFirst(prefix.count)) }

        var fields: [(String, JSON)] = []
        for assignment in line[rawField] { fields.append(try BodyInput.assignment(assignment, typed: true)) }
        for assignment in line[field] { fields.append(try BodyInput.assignment(assignment, typed: false)) }
        var body: JSONObject?
        if let data = line[Self.data] { body = try BodyInput.readJSONObject(data, io: invocation.io) }
        // As in gh: GET, or POST once parameters or a body are given; -X overrides.
        let method = line[Self.method] ?? (body != nil || !fields.isEmpty ? "POST" : "GET")
        var query: [(String, String)] = []
        if method == "GET" {
            query = fields.map { ($0.0, $0.1.cellText) }
        } else if !fields.isEmpty {
            if body == nil { body = JSONObject() }
            for (key, value) in fields { body!.set(path: key, to: value) }
        }
        var extraHeaders: [(String, String)] = []
        for header in line[Self.header] {
            guard let colon = header.firstIndex(of: ":") else { throw APIError.usage("-H '\(header)' is not 'Name: value'") }
            extraHeaders.append((String(header[..<colon]).trimmingCharacters(in: .whitespaces), String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        var options = app.output
        if !line.has(GlobalFlags.output), app.environment["PBXCTL_OUTPUT"] == nil { options.format = .json }
        let renderer = Renderer(options: options, sink: invocation.io.stdout)

        func send(_ query: [(String, String)]) throws -> APIResponse {
            var request = client.makeRequest(method: method, path: path, query: query, body: body.map(JSON.object))
            for (name, value) in extraHeaders { request.setHeader(name, value) }
            return try client.decode(client.send(request))
        }

        guard line[paginate], method == "GET" else {
            let answer = try send(query)
            if answer.dryRun { return }
            if let json = answer.json { renderer.single(json) } else if !answer.raw.body.isEmpty { invocation.io.out(answer.raw.bodyText) }
            return
        }
        let base = query.filter { !["skip", "top", "page", "limit"].contains($0.0) }
        var pager = Pager(style: backend.pageStyle, idKey: "id")
        let walked = try pager.walk(fetch: { pageQuery in
            let answer = try send(base + pageQuery)
            if answer.dryRun { return nil }
            guard let json = answer.json else { return Pager.Page(items: [], total: nil, answer: nil) }
            let items = json["items"]?.arrayValue ?? json["callbackNumbers"]?.arrayValue ?? json.arrayValue ?? [json]
            return Pager.Page(items: items, total: json["count"]?.intValue ?? json["meta"]?["totalCount"]?.intValue, answer: json)
        }, each: { kept, page in
            guard page.answer != nil else { return false }
            renderer.emit(kept)
            invocation.io.stdout.flush()
            // An answer without a count is not a page of something longer.
            return page.total != nil
        })
        if !walked { return }
        renderer.finishList()
        if pager.walker.repeatedPage, let contradiction = pager.walker.contradiction {
            invocation.io.stdout.flush()
            throw APIError(kind: .malformed, code: "MALFORMED", message: contradiction + "; the list above may be incomplete", backend: backend.type.rawValue)
        }
    }
}
