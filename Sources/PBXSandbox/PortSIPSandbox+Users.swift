import Foundation
import PBXCatalog
import PBXJSON

extension PortSIPSandbox {
    static let userWritableOnCreate: Set<String> = [
        "name", "email", "display_name", "enabled", "role", "mobile_phone", "work_phone", "home_phone", "address",
        "department", "extension_number", "enable_audio_recording", "enable_video_recording", "enable_dnd", "enable_acb",
        "enable_hot_desking", "anonymous_outbound_calls", "sms", "delivery_outbound_cid", "outbound_caller_ids",
        "custom_options", "office_hours", "voicemail_prompt", "enable_voicemail_pin", "enable_voicemail_notify",
        "voicemail_play_datetime", "interface", "preferred_transport", "blfs",
    ]

    func routeUsers(_ c: Context) throws -> ServerResponse? {
        switch c.operation.operationId {
        case "listUsers":
            return try listAnswer(users, c)
        case "createUser":
            return try createUser(c)
        case "showUser":
            return .json(200, .object(shown(users[try userIndex(c.param("id"))], c)))
        case "updateUser":
            let index = try userIndex(c.param("id"))
            users[index].merge(c.body)
            return .empty(200)
        case "deleteUser":
            let index = try userIndex(c.param("id"))
            let id = c.param("id")
            users.remove(at: index)
            userSecrets[id] = nil
            collections = collections.filter { !$0.key.hasPrefix(id + "/") }
            return .empty(204)
        case "resetUserPassword":
            let index = try userIndex(c.param("id"))
            let id = users[index]["id"]!.stringValue!
            userSecrets[id]?.password = c.body["password"]?.stringValue ?? ""
            return .empty(200)
        case "resetUserExtensionPassword":
            let index = try userIndex(c.param("id"))
            let id = users[index]["id"]!.stringValue!
            userSecrets[id]?.extensionPassword = c.body["password"]?.stringValue ?? ""
            return .empty(200)
        case "changeUserRole":
            let index = try userIndex(c.param("id"))
            let role = c.body["role"]?.stringValue ?? ""
            guard roles.contains(where: { $0["name"]?.stringValue == role }) else { throw Failure.invalid("role '\(role)' does not exist") }
            users[index]["role"] = .string(role)
            return .empty(200)
        case "resetUserProfile":
            let index = try userIndex(c.param("id"))
            users[index]["profile_reset_at"] = .string(Self.now())
            return .empty(200)
        case "resetAllUserProfiles":
            let ids = c.request.queryValue("id").map { [$0] } ?? users.compactMap { $0["id"]?.stringValue }
            for id in ids {
                let index = try userIndex(id)
                users[index]["profile_reset_at"] = .string(Self.now())
            }
            return .empty(200)
        case "addUserMs365Binding":
            let index = try userIndex(c.param("id"))
            guard let account = c.body["id"]?.stringValue, !account.isEmpty else { throw Failure.invalid("id is required") }
            users[index]["ms365_id"] = .string(account)
            return .empty(200)
        case "removeUserMs365Binding":
            let index = try userIndex(c.param("id"))
            guard users[index]["ms365_id"] != nil else { throw Failure.notFound("Microsoft 365 binding of user \(c.param("id"))") }
            users[index]["ms365_id"] = nil
            return .empty(204)
        case "getUserStatus":
            let user = users[try userIndex(c.param("id"))]
            return .json(200, status(of: user))
        case "delUserRegistration":
            let id = c.param("id")
            _ = try userIndex(id)
            var list = collections[id + "/registrations"] ?? []
            guard let index = list.firstIndex(where: { $0["instance_id"]?.stringValue == c.param("instance_id") }) else {
                throw Failure.notFound("registration \(c.param("instance_id"))")
            }
            list.remove(at: index)
            collections[id + "/registrations"] = list
            return .empty(204)
        case "getUserBalance":
            let user = users[try userIndex(c.param("id"))]
            return .json(200, ["balance": user["balance"] ?? .number("0")])
        case "updateUserBalance":
            let index = try userIndex(c.param("id"))
            users[index]["balance"] = c.body["balance"] ?? .number("0")
            return .empty(200)
        default:
            return nil
        }
    }

    func createUser(_ c: Context) throws -> ServerResponse {
        var problems: [String] = []
        for violation in PortSIPRules.bodyProblems(c.body, rules: .users) { problems.append(violation.text) }
        if let role = c.body["role"]?.stringValue, !roles.contains(where: { $0["name"]?.stringValue == role }) {
            problems.append("role: '\(role)' does not exist")
        }
        if !problems.isEmpty { throw Failure.invalid(problems.joined(separator: "; ")) }
        let name = c.body["name"]?.stringValue ?? ""
        let extensionNumber = c.body["extension_number"]?.stringValue ?? ""
        if nameTaken(name) { throw Failure.conflict("a user named '\(name)' already exists") }
        if extensionTaken(extensionNumber) { throw Failure.conflict("extension number \(extensionNumber) is already in use") }
        let id = newID()
        var user = JSONObject([("id", .string(id))])
        for (key, value) in c.body where Self.userWritableOnCreate.contains(key) { user[key] = value }
        if user["enabled"] == nil { user["enabled"] = true }
        user["created_at"] = .string(Self.now())
        appendUser(user)
        userSecrets[id] = (c.body["password"]?.stringValue ?? "", c.body["extension_password"]?.stringValue ?? "")
        return .json(201, ["id": .string(id)])
    }

    func status(of user: JSONObject) -> JSON {
        let id = user["id"]?.stringValue ?? ""
        let registrations = collections[id + "/registrations"] ?? []
        let presence = user["presence"] ?? "AVAILABLE"
        return .object(JSONObject([
            ("status", registrations.isEmpty ? "OFFLINE" : "ONLINE"),
            ("presence", registrations.isEmpty ? "OFFLINE" : presence),
            ("presence_note", user["presence_note"] ?? ""),
            ("registration", .array(registrations.map(JSON.object))),
            ("enable_dnd", user["enable_dnd"] ?? false),
            ("enable_acb", user["enable_acb"] ?? false),
        ]))
    }

    // MARK: roles

    func routeRoles(_ c: Context) throws -> ServerResponse? {
        func roleIndex() throws -> Int {
            guard let index = roles.firstIndex(where: { $0["name"]?.stringValue == c.param("name") }) else {
                throw Failure.notFound("role \(c.param("name"))")
            }
            return index
        }
        func refuseBuiltIn(_ index: Int) throws {
            if roles[index]["built_in"]?.boolValue == true { throw Failure(response: .portsipError(403, "FORBIDDEN", "built-in roles cannot be modified")) }
        }
        switch c.operation.operationId {
        case "listRoles":
            return try listAnswer(roles, c)
        case "showRole":
            return .json(200, .object(shown(roles[try roleIndex()], c)))
        case "createRole":
            let name = c.body["name"]?.stringValue ?? ""
            if let problem = PortSIPRules.bodyProblems(c.body, rules: .roles).first { throw Failure.invalid(problem.text) }
            if roles.contains(where: { $0["name"]?.stringValue?.lowercased() == name.lowercased() }) {
                throw Failure.conflict("a role named '\(name)' already exists")
            }
            roles.append(JSONObject([
                ("name", .string(name)), ("description", c.body["description"] ?? ""), ("built_in", false),
                ("permissions", c.body["permissions"] ?? .object(JSONObject())),
            ]))
            return .json(201, ["name": .string(name)])
        case "updateRole":
            let index = try roleIndex()
            try refuseBuiltIn(index)
            roles[index].merge(c.body)
            return .empty(200)
        case "deleteRole":
            let index = try roleIndex()
            try refuseBuiltIn(index)
            let name = roles[index]["name"]?.stringValue ?? ""
            if users.contains(where: { $0["role"]?.stringValue == name }) {
                throw Failure.invalid("role '\(name)' is assigned to users")
            }
            roles.remove(at: index)
            return .empty(204)
        default:
            return nil
        }
    }
}
