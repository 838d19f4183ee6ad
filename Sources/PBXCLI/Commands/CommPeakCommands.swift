import PBXClient
import PBXEngine
import PBXJSON

/// `users get` on a CommPeak profile.
enum CommPeakCommands {
    static let tableFields = ["id", "username", "first_name", "last_name", "email", "sip_uri", "virtual_extension", "is_active", "is_clockedin", "registration_password"]

    static func getUser(_ invocation: Invocation) throws {
        let app = invocation.app
        let client = try invocation.client()
        let id = try invocation.require("USER")
        let answer = try client.call("GET", PathTemplate.fill("/users/{id}", [id]))
        if answer.dryRun { return }
        let user: JSON
        switch answer.json {
        case .array(let items)?:
            guard let first = items.first else {
                throw APIError(kind: .http, status: 404, code: "NOT_FOUND", message: "no CommPeak user \(id)", backend: "commpeak")
            }
            user = first
        case .object(let object)?: user = .object(object)
        default: throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "expected a user array", backend: "commpeak")
        }
        var options = app.output
        if options.fields == nil, options.format == .table { options.fields = tableFields }
        Renderer(options: options, sink: invocation.io.stdout, masking: invocation.line[CommonFlags.showSecrets] ? [] : ["registration_password"]).single(user)
    }
}
