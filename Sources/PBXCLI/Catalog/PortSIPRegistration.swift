import CCurl
import Foundation
import PBXCatalog
import PBXClient
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
        unregister.examples = ["pbxctl registration unregister 1001 'urn:uuid:…' --yes"]
        return [status, unregister]
    }

    static var check: Command {
        Command("check", "Exit 0 if a user has a live SIP registration, 7 if not",
                arguments: [Argument("USER", "user ID or extension number")],
                flags: [Flag("wait", .number, value: "SEC", help: "poll until the user registers or SEC seconds pass")],
                examples: ["pbxctl registration check 1001", "pbxctl registration check 1001 --wait 60 && echo registered"],
                backend: .portsip, run: { invocation in try runCheck(invocation) })
    }

    static func runCheck(_ invocation: Invocation) throws {
        let client = try invocation.app.client(.portsip)
        let wait = try invocation.line.double("wait", in: NumberRanges.wait) ?? 0
        let value = try invocation.require("USER")
        let id = try UserResolver.resolve(value, client: client, io: invocation.io)
        let deadline = Date().addingTimeInterval(wait)
        while true {
            let answer = try client.call("GET", PathTemplate.fill("/users/{id}/status", [id]))
            if answer.dryRun { return }
            let count = answer.json?["registration"]?.arrayValue?.count ?? 0
            let output = invocation.app.output
            // A script that asks for JSON gets the status the verdict was drawn from.
            if output.format != .table, !output.quiet, count > 0 || Date() >= deadline, let status = answer.json {
                Renderer(options: output, sink: invocation.io.stdout).single(status)
            }
            if count > 0 {
                if !invocation.app.output.quiet { invocation.io.err("\(value) is registered (\(count) registration\(count == 1 ? "" : "s"))\n") }
                return
            }
            if Date() >= deadline { break }
            let pause = min(2.0, deadline.timeIntervalSinceNow)
            var slept = 0.0
            while slept < pause {
                if pbx_interrupted != 0 { throw APIError(kind: .interrupted, message: "interrupted") }
                usleep(50_000)
                slept += 0.05
            }
        }
        throw APIError(kind: .notRegistered, code: "NOT_REGISTERED", message: "\(value) has no SIP registration" + (wait > 0 ? " after \(Int(wait))s" : ""), backend: "portsip")
    }
}
