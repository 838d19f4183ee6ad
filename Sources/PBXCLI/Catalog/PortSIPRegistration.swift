import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `registration status|check|unregister` on a PortSIP profile: is an agent's phone
/// registered, and from what.
enum PortSIPRegistrationCatalog {
    static let columns = ["status", "presence", "instance_id", "user_agent", "ip", "contact_address", "enable_push"]

    /// One row per registration, with the user's status and presence on each, so ops
    /// can eyeball a table; a user with none gets one row with empty registration fields.
    static func rows(_ status: JSON) -> [JSON] {
        let registrations = status["registration"]?.arrayValue ?? []
        let base: [(String, JSON)] = [("status", status["status"] ?? .null), ("presence", status["presence"] ?? .null)]
        if registrations.isEmpty { return [.object(JSONObject(base))] }
        return registrations.map { registration in
            var row = JSONObject(base)
            for (key, value) in registration.objectValue ?? JSONObject() { row[key] = value }
            return .object(row)
        }
    }

    static var operations: [Operation] {
        let user = PortSIPUsersCatalog.user
        var status = Operation(["registration", "status"], "Show a user's SIP registrations, one line each", .get, "GET", "/users/{id}/status", noun: "registration")
        status.arguments = [user]
        status.columns = columns
        status.idKey = "instance_id"
        status.present = { json, _, invocation in
            guard let json else { return }
            let output = invocation.app.output
            // JSON prints the answer as it is; --fields picks its keys and keeps them nested.
            if (output.format == .json || output.format == .jsonl && output.fields != nil) && !output.quiet {
                try RecordSchema.checkFields(output.fields, schema: nil, records: [json])
                Renderer(options: output, sink: invocation.io.stdout).single(json)
                return
            }
            let renderer = Renderer(options: output, sink: invocation.io.stdout, defaultColumns: columns, idKey: "instance_id")
            renderer.emit(rows(json).filter { !output.quiet || $0["instance_id"] != nil })
            renderer.finishList()
        }
        status.examples = ["pbxctl registration status 1001", "pbxctl registration status 1001 -o json"]

        var unregister = Operation(["registration", "unregister"], "Remove one registration of a user", .delete, "POST", "/users/{id}/status/{instance_id}/destroy_status", noun: "registration")
        unregister.arguments = [user, OperationArgument("INSTANCE_ID", "the registration's instance_id (see registration status)", .path)]
        unregister.confirm = true
        unregister.examples = ["pbxctl registration unregister 1004 urn:uuid:0b6c5e2a-7d41-4c1e-9f3a-000000001004 --yes"]
        return [status, unregister]
    }
}
