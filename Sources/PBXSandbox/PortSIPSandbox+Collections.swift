import Foundation
import PBXCatalog
import PBXJSON

/// The per-user and nested resources (phones, holidays, speed dials, greetings,
/// meetings, contacts, CDRs, …) follow one shape, derived from the path template:
/// `/user/X` is the caller's, `/users/{id}/X` a given user's, then
/// `X` (list/create), `X/{id}` (get/update), `X/{id}/destroy`, `X/{id}/ACTION`.
extension PortSIPSandbox {
    func owner(_ c: Context) throws -> (owner: String, rest: [Substring], itemParameter: String?) {
        let segments = c.operation.path.split(separator: "/")
        if segments.first == "user" {
            let me = c.subject == adminSubject ? adminSubject : (try currentUser(c))["id"]!.stringValue!
            return (me, Array(segments.dropFirst()), nil)
        }
        if segments.first == "users", segments.count > 2 {
            _ = try userIndex(c.param("id"))
            return (c.param("id"), Array(segments.dropFirst(2)), nil)
        }
        return ("", segments, nil)
    }

    func routeCollection(_ c: Context) throws -> ServerResponse {
        if c.operation.operationId == "listCDRs", c.subject != adminSubject {
            throw Failure(response: .portsipError(403, "FORBIDDEN", "only administrators can list every extension's CDRs"))
        }
        let (owner, rest, _) = try owner(c)
        guard let collection = rest.first.map(String.init) else { throw Failure.notFound("resource") }
        let key = owner + "/" + collection
        let method = c.request.method

        if rest.count == 1 {
            if method == "GET" { return try listAnswer(seeded(key), c) }
            var item = JSONObject([("id", .string(newID()))])
            for (field, value) in c.body { item[field] = value }
            item["created_at"] = .string(Self.now())
            collections[key, default: []].append(item)
            recordChange(key, "CREATED", item)
            return .json(201, ["id": item["id"]!])
        }
        let itemName = rest[1].hasPrefix("{") ? c.param(String(rest[1].dropFirst().dropLast())) : String(rest[1])
        var items = seeded(key)
        guard let index = items.firstIndex(where: { $0["id"]?.stringValue == itemName }) else {
            throw Failure.notFound("\(collection.replacingOccurrences(of: "_", with: " ")) \(itemName)")
        }
        defer { collections[key] = items }
        if rest.count == 2 {
            if method == "GET" { return .json(200, recordAnswer(items[index], of: collection, c)) }
            items[index].merge(c.body)
            recordChange(key, "UPDATED", items[index])
            return .empty(200)
        }
        let action = String(rest[2])
        switch action {
        case "destroy":
            recordChange(key, "DELETED", JSONObject([("id", items[index]["id"]!)]))
            items.remove(at: index)
            return .empty(204)
        case "enable", "disable":
            items[index]["enabled"] = .bool(action == "enable")
        case "favorite", "unfavorite":
            items[index]["favorite"] = .bool(action == "favorite")
            recordChange(key, "UPDATED", items[index])
        default:
            items[index]["last_action"] = .string(action)
        }
        return .empty(200)
    }

    /// PortSIP wraps one CDR as `{"items": {…}}` and one recording as `{"items": [{…}]}`;
    /// every other record is the answer itself.
    func recordAnswer(_ record: JSONObject, of collection: String, _ c: Context) -> JSON {
        switch collection {
        case "cdrs": return ["items": .object(shown(record, c, at: "items"))]
        case "recordings": return ["items": [.object(shown(record, c, at: "items.0"))]]
        default: return .object(shown(record, c))
        }
    }
}
