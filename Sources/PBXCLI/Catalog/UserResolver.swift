import PBXClient
import PBXEngine

/// `USER` arguments take an ID or an extension number (docs/cli.md).
enum UserResolver {
    static func resolve(_ value: String, client: APIClient, io: IOContext) throws -> String {
        guard value.count >= 3, value.count <= 64, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return value }
        if client.settings.dryRun {
            // The lines printed are meant to run: say which value stands in for a looked-up one.
            io.out("# \(value) is an extension number: replace it below with its user's ID, which this finds:\n")
            try client.call("GET", "/users", query: [("filter", "extension_number eq '\(value)'"), ("top", "1")])
            return value
        }
        let answer = try client.call("GET", "/users", query: [("filter", "extension_number eq '\(value)'"), ("top", "1")])
        guard let id = answer.json?["items"]?.arrayValue?.first?["id"]?.stringValue else {
            throw APIError(kind: .http, status: 404, code: "NOT_FOUND", message: "no user has extension number \(value)", backend: "portsip")
        }
        return id
    }
}
