import Foundation
import PBXJSON

/// Vonage Contact Center's token endpoint and User Admin callback numbers: client
/// credentials with scopes, the v4 media type, limit/page paging and PUT replace.
/// Sendable by `lock`, which guards the tokens and every user's numbers.
final class VonageSandbox: @unchecked Sendable {
    let lock = NSLock()
    let tokenTTL: Int
    let now: @Sendable () -> Date
    let noMeta: Bool
    var churnRemove: Int
    var churnInsert: Int
    var tokens: [String: (scope: Set<String>, expires: Date)] = [:]
    /// Every callback number of the account, in order.
    var numbers: [JSONObject] = []
    var assigned: [String: [String]] = [:]
    static let mediaType = "application/vnd.newvoicemedia.v4+json"

    init(options: SandboxOptions) {
        tokenTTL = options.tokenTTL
        now = options.now
        noMeta = options.vonageNoMeta
        churnRemove = options.vonageChurnRemove
        churnInsert = options.vonageChurnInsert
        for index in 1...60 {
            numbers.append(JSONObject([
                ("callbackNumberId", .string(String(format: "cbn-%03d", index))), ("callbackNumberName", .string("Line \(index)")),
                ("callbackNumberClid", .string("+4420794600\(String(format: "%02d", index))")),
            ]))
        }
        // agent-30 has 30 numbers: more than the default page of 25.
        assigned["agent-30"] = (1...30).map { String(format: "cbn-%03d", $0) }
        assigned["agent-2"] = ["cbn-041", "cbn-042"]
        assigned["agent-0"] = []
    }

    func handle(_ request: ServerRequest, path: String) -> ServerResponse {
        lock.lock()
        defer { lock.unlock() }
        if request.method == "POST", path == "/Auth/connect/token" { return token(request) }
        guard path.hasPrefix("/useradmin/") else { return .json(404, ["message": "Not found"]) }
        let route = path.dropFirst("/useradmin".count).split(separator: "/").map(String.init)
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer "),
            let session = tokens[String(header.dropFirst(7))], session.expires > now()
        else { return .json(401, ["message": "Authorization has been denied for this request."]) }
        guard request.headers["accept"]?.contains(Self.mediaType) == true else {
            return .json(406, ["message": "Accept must be \(Self.mediaType)"])
        }
        switch (request.method, route.count, route.first, route.last) {
        case ("GET", 1, "callbackNumbers", _):
            return page(numbers, request, extra: [])
        case ("GET", 3, "users", "callbackNumbers"):
            guard session.scope.contains("users:read") || session.scope.contains("users:write") else { return forbidden() }
            guard let ids = assigned[route[1]] else { return .json(404, ["message": "User not found"]) }
            let list = ids.compactMap { id in numbers.first { $0["callbackNumberId"]?.stringValue == id } }
            let response = page(list, request, extra: [("userId", .string(route[1])), ("agentDisplayId", .string(route[1].uppercased()))])
            if response.status == 200, let limit = Int(request.queryValue("limit") ?? "25"), let page = Int(request.queryValue("page") ?? "1"),
                page * limit < list.count {
                churn(route[1])
            }
            return response
        case ("PUT", 3, "users", "callbackNumbers"):
            guard session.scope.contains("users:write") else { return forbidden() }
            guard assigned[route[1]] != nil else { return .json(404, ["message": "User not found"]) }
            guard let body = try? JSONParser.parse(request.body), let list = body["callbackNumbers"]?.arrayValue else {
                return .json(400, ["message": "callbackNumbers is required"])
            }
            var ids: [String] = []
            for entry in list {
                guard let id = entry["callbackNumberId"]?.stringValue, numbers.contains(where: { $0["callbackNumberId"]?.stringValue == id }) else {
                    return .json(400, ["message": "Unknown callbackNumberId \(entry["callbackNumberId"]?.cellText ?? "")"])
                }
                if !ids.contains(id) { ids.append(id) }
            }
            assigned[route[1]] = ids
            return ServerResponse(status: 204)
        default:
            return .json(404, ["message": "Not found"])
        }
    }

    /// Another admin's change to `user`'s list, made while a client is between page reads.
    func churn(_ user: String) {
        guard var ids = assigned[user] else { return }
        let spare = { (taken: [String]) in
            self.numbers.lazy.compactMap { $0["callbackNumberId"]?.stringValue }.first { !taken.contains($0) }
        }
        if churnRemove > 0, !ids.isEmpty {
            churnRemove -= 1
            let removed = ids.removeFirst()
            if let added = spare(ids + [removed]) { ids.append(added) }
        }
        if churnInsert > 0, let added = spare(ids) {
            churnInsert -= 1
            ids.insert(added, at: 0)
        }
        assigned[user] = ids
    }

    func forbidden() -> ServerResponse { .json(403, ["message": "The token's scope does not allow this"]) }

    func token(_ request: ServerRequest) -> ServerResponse {
        var form: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if parts.count == 2 { form[parts[0]] = parts[1].replacingOccurrences(of: "+", with: " ") }
        }
        guard form["grant_type"] == "client_credentials" else { return .json(400, ["error": "unsupported_grant_type"]) }
        guard form["client_id"] == SandboxCredentials.vonageClientId, form["client_secret"] == SandboxCredentials.vonageClientSecret else {
            return .json(400, ["error": "invalid_client"])
        }
        let scope = Set((form["scope"] ?? "").split(separator: " ").map(String.init))
        guard !scope.isEmpty, scope.isSubset(of: ["users:read", "users:write"]) else { return .json(400, ["error": "invalid_scope"]) }
        let token = "vcc-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        tokens[token] = (scope, now().addingTimeInterval(Double(tokenTTL)))
        return .json(200, ["access_token": .string(token), "token_type": "bearer", "expires_in": .int(tokenTTL)])
    }

    func page(_ items: [JSONObject], _ request: ServerRequest, extra: [(String, JSON)]) -> ServerResponse {
        let limit = Int(request.queryValue("limit") ?? "25") ?? -1
        let page = Int(request.queryValue("page") ?? "1") ?? -1
        guard (1...5000).contains(limit), (1...1_000_000_000).contains(page) else {
            return .json(400, ["message": "limit must be 1..5000 and page 1..1000000000"])
        }
        let start = min((page - 1) * limit, items.count)
        let slice = items[start..<min(start + limit, items.count)]
        let pageCount = max(1, (items.count + limit - 1) / limit)
        var object = JSONObject()
        if !noMeta {
            object["meta"] = .object(JSONObject([
                ("page", .int(page)), ("count", .int(slice.count)), ("pageCount", .int(pageCount)), ("totalCount", .int(items.count)),
            ]))
        }
        for (key, value) in extra { object[key] = value }
        object["callbackNumbers"] = .array(slice.map(JSON.object))
        var response = ServerResponse.json(200, .object(object))
        response.headers = [("Content-Type", Self.mediaType + "; charset=utf-8")]
        return response
    }
}
