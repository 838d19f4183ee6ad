import Foundation
import PBXCatalog
import PBXJSON

/// The caller's own resources, meetings, group members, sync tokens and blobs.
extension PortSIPSandbox {
    func routeSpecial(_ c: Context) throws -> ServerResponse? {
        let id = c.operation.operationId
        switch id {
        case "getDetailsOfCurrentUser":
            return .json(200, .object(shown(try currentUser(c), c)))
        case "updateCurrentUser":
            try updateCurrent(c) { $0.merge(c.body) }
            return .empty(200)
        case "resetCurrentUserPassword", "resetCurrentUserExtensionPassword":
            guard let new = c.body["new_password"]?.stringValue, !new.isEmpty else { throw Failure.invalid("new_password is required") }
            if c.subject != adminSubject {
                let stored = id == "resetCurrentUserPassword" ? userSecrets[c.subject]?.password : userSecrets[c.subject]?.extensionPassword
                guard c.body["old_password"]?.stringValue == stored else { throw Failure(response: .portsipError(403, "FORBIDDEN", "the current password is wrong")) }
                if id == "resetCurrentUserPassword" { userSecrets[c.subject]?.password = new } else { userSecrets[c.subject]?.extensionPassword = new }
            }
            return .empty(200)
        case "getCurrentUserStatus":
            return .json(200, status(of: try currentUser(c)))
        case "setCurrentUserPresence":
            try updateCurrent(c) { user in
                user["presence"] = c.body["presence"] ?? "AVAILABLE"
                user["presence_note"] = c.body["presence_note"] ?? ""
            }
            return .empty(200)
        case "getCurrentUserCallQueueAgentStatus", "getUserCallQueueAgentStatus", "setCurrentUserCallQueueAgentStatus", "setUserCallQueueAgentStatus":
            let (owner, _, _) = try self.owner(c)
            let queueID = c.parameters["queue_id"] ?? c.param("id")
            let queues = seeded(owner + "/call_queues")
            guard queues.contains(where: { $0["id"]?.stringValue == queueID }) else { throw Failure.notFound("call queue \(queueID)") }
            let key = owner + "/agent_status/" + queueID
            if c.request.method == "POST" {
                collections[key] = [JSONObject([("status", c.body["status"] ?? "READY")])]
                return .empty(200)
            }
            let user = owner == adminSubject ? admin : users[try userIndex(owner)]
            return .json(200, .object(JSONObject([
                ("extension_number", user["extension_number"] ?? ""), ("display_name", user["display_name"] ?? ""),
                ("skill_level", 1), ("status", collections[key]?.first?["status"] ?? "LOGGED_OUT"),
            ])))
        case "listCurrentUserGlobalHolidays", "listUserGlobalHolidays":
            let (owner, _, _) = try self.owner(c)
            let tenant = seeded("_/holidays")
            let chosen = collections[owner + "/global_holiday_ids"]?.compactMap { $0["id"]?.stringValue }
            return try listAnswer(tenant.filter { chosen?.contains($0["id"]?.stringValue ?? "") ?? true }, c)
        case "updateCurrentUserGlobalHoliday", "updateUserGlobalHoliday":
            let (owner, _, _) = try self.owner(c)
            let tenant = seeded("_/holidays").compactMap { $0["id"]?.stringValue }
            let wanted = c.body["items"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let unknown = wanted.first(where: { !tenant.contains($0) }) { throw Failure.invalid("holiday \(unknown) is not a tenant holiday") }
            collections[owner + "/global_holiday_ids"] = wanted.map { JSONObject([("id", .string($0))]) }
            return .json(201, .object(JSONObject(wanted.first.map { [("id", JSON.string($0))] } ?? [])))
        case "createGreetingForCurrentUser", "createGreeting":
            let (owner, _, _) = try self.owner(c)
            guard let file = c.body["file_id"]?.stringValue, !file.isEmpty else { throw Failure.invalid("file_id is required") }
            let greetingID = newID()
            collections[owner + "/greetings", default: []].append(JSONObject([
                ("id", .string(greetingID)), ("enabled", false), ("file_name", .string("\(file).wav")), ("file_size", 32044),
                ("file_url", .string("/api/blobs/\(file)")),
            ]))
            return .json(201, ["id": .string(greetingID)])
        case "enableCurrentUserGreeting", "enableGreeting":
            // One greeting is active at a time.
            let (owner, _, _) = try self.owner(c)
            let target = c.parameters["greeting_id"] ?? c.param("id")
            var list = collections[owner + "/greetings"] ?? []
            guard list.contains(where: { $0["id"]?.stringValue == target }) else { throw Failure.notFound("greeting \(target)") }
            for index in list.indices { list[index]["enabled"] = .bool(list[index]["id"]?.stringValue == target) }
            collections[owner + "/greetings"] = list
            return .empty(200)
        case "getBlob":
            return blob(c.param("digest"))
        default:
            break
        }
        if c.operation.path.hasPrefix("/user/meetings") { return try routeMeetings(c) }
        if c.operation.path.hasPrefix("/groups/{id}/members") { return try routeMembers(c) }
        if c.operation.path.contains("/sync_tokens") { return try routeSync(c) }
        if c.operation.path.hasPrefix("/blobs/") { return blob(c.param("digest")) }
        return nil
    }

    func updateCurrent(_ c: Context, _ change: (inout JSONObject) -> Void) throws {
        if c.subject == adminSubject {
            change(&admin)
        } else {
            change(&users[try userIndex(c.subject)])
        }
    }

    // MARK: meetings

    func routeMeetings(_ c: Context) throws -> ServerResponse? {
        let (owner, rest, _) = try self.owner(c)
        guard rest.count >= 3 else { return nil }
        let meetingID = c.param("id")
        guard seeded(owner + "/meetings").contains(where: { $0["id"]?.stringValue == meetingID }) == true else {
            throw Failure.notFound("meeting \(meetingID)")
        }
        let statusKey = owner + "/meeting_status/" + meetingID
        var status = collections[statusKey]?.first ?? JSONObject([("status", "OFFLINE"), ("locked", false), ("muted", false), ("recording", false)])
        defer { collections[statusKey] = [status] }
        let participantsKey = owner + "/meetings/" + meetingID + "/participants"
        var participants = collections[participantsKey] ?? []
        defer { collections[participantsKey] = participants }
        let action = String(rest[2])
        func requireOnline() throws {
            guard status["status"]?.stringValue != "OFFLINE" else { throw Failure.invalid("meeting \(meetingID) has not started") }
        }
        switch (c.request.method, action, rest.count) {
        case ("GET", "status", 3): return .json(200, .object(status))
        case ("POST", "start", 3): status["status"] = "ONLINE"
        case ("POST", "stop", 3):
            status["status"] = "OFFLINE"
            status["recording"] = false
            participants.removeAll()
        case ("POST", "lock", 3), ("POST", "unlock", 3):
            try requireOnline()
            status["locked"] = .bool(action == "lock")
        case ("POST", "mute", 3), ("POST", "unmute", 3):
            try requireOnline()
            status["muted"] = .bool(action == "mute")
            for index in participants.indices { participants[index]["muted"] = .bool(action == "mute") }
        case ("POST", "start_recording", 3), ("POST", "stop_recording", 3):
            try requireOnline()
            status["recording"] = .bool(action == "start_recording")
        case ("GET", "participants", 3): return try listAnswer(participants, c)
        case ("POST", "participants", 4) where rest[3] == "invite":
            try requireOnline()
            guard let number = c.body["number"]?.stringValue, !number.isEmpty else { throw Failure.invalid("number is required") }
            guard status["locked"]?.boolValue != true else { throw Failure(response: .portsipError(403, "FORBIDDEN", "the meeting is locked")) }
            // Named for the number called, so a script (and help) can address it.
            let named = "participant-" + number
            participants.append(JSONObject([
                ("id", .string(participants.contains { $0["id"]?.stringValue == named } ? newID() : named)), ("display_name", .string(number)), ("muted", status["muted"] ?? false),
                ("chairman", .bool(participants.isEmpty)), ("position", .int(participants.count)),
            ]))
            status["status"] = "ON_CALL"
        case ("POST", "participants", 4) where rest[3] == "layout":
            let order = c.body["items"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for (position, participantID) in order.enumerated() {
                guard let index = participants.firstIndex(where: { $0["id"]?.stringValue == participantID }) else { throw Failure.notFound("participant \(participantID)") }
                participants[index]["position"] = .int(position)
            }
        case (let method, "participants", let count) where count >= 4:
            let participantID = c.param("participant_id")
            guard let index = participants.firstIndex(where: { $0["id"]?.stringValue == participantID }) else { throw Failure.notFound("participant \(participantID)") }
            if method == "GET" { return .json(200, .object(shown(participants[index], c))) }
            switch String(rest[4]) {
            case "mute": participants[index]["muted"] = true
            case "unmute": participants[index]["muted"] = false
            case "chairman":
                for other in participants.indices { participants[other]["chairman"] = .bool(other == index) }
            case "position": participants[index]["position"] = c.body["position"] ?? .int(0)
            case "destroy":
                participants.remove(at: index)
                return .empty(204)
            default: return nil
            }
        default:
            return nil
        }
        return .empty(200)
    }

    // MARK: group members

    func routeMembers(_ c: Context) throws -> ServerResponse {
        let groupID = c.param("id")
        guard seeded("/groups").contains(where: { $0["id"]?.stringValue == groupID }) else { throw Failure.notFound("group \(groupID)") }
        let key = "/groups/" + groupID + "/members"
        var members = collections[key] ?? []
        defer { collections[key] = members }
        if c.parameters["extension_number"] == nil { return try listAnswer(members, c) }
        let number = c.param("extension_number")
        let index = members.firstIndex { $0["extension_number"]?.stringValue == number }
        switch (c.request.method, c.operation.path.hasSuffix("/destroy")) {
        case ("GET", _):
            guard let index else { throw Failure.notFound("extension \(number) in group \(groupID)") }
            return .json(200, .object(shown(members[index], c)))
        case ("POST", false):
            guard index == nil else { return .empty(200) }
            guard let user = users.first(where: { $0["extension_number"]?.stringValue == number }) else { throw Failure.notFound("extension \(number)") }
            members.append(JSONObject([("id", user["id"]!), ("name", user["name"]!), ("display_name", user["display_name"] ?? ""), ("extension_number", .string(number))]))
            return .empty(200)
        default:
            guard let index else { throw Failure.notFound("extension \(number) in group \(groupID)") }
            members.remove(at: index)
            return .empty(204)
        }
    }

    // MARK: sync tokens

    /// Tokens mark a point in a collection's change log. A new token's first diff
    /// returns everything (since `date_from` for CDRs) as CREATED; later diffs return
    /// the last change of each item after the token.
    func routeSync(_ c: Context) throws -> ServerResponse {
        let (owner, rest, _) = try self.owner(c)
        let key = owner + "/" + rest[0]
        if c.parameters["token"] == nil {
            let token = "st-" + newID()
            var mark = JSONObject([("key", .string(key)), ("seq", .int(-1))])
            if let since = c.request.queryValue("date_from") { mark["since"] = .string(since) }
            syncTokens[token] = mark
            return .json(201, ["token": .string(token)])
        }
        guard let mark = syncTokens[c.param("token")], mark["key"]?.stringValue == key else {
            return .portsipError(403, "FORBIDDEN", "unknown or expired sync token")
        }
        let since = mark["seq"]?.intValue ?? -1
        var changes: [(type: String, item: JSONObject)] = []
        if since < 0 {
            let from = mark["since"]?.stringValue.flatMap(RFC3339.parse)
            for item in seeded(key) {
                if let from, let started = item["started_at"]?.stringValue.flatMap(RFC3339.parse), started < from { continue }
                changes.append(("CREATED", item))
            }
        } else {
            var latest: [String: (String, JSONObject)] = [:]
            var order: [String] = []
            for entry in changeLog where entry.key == key && entry.seq > since {
                let id = entry.item["id"]?.stringValue ?? ""
                if latest[id] == nil { order.append(id) }
                latest[id] = (entry.type, entry.item)
            }
            changes = order.compactMap { latest[$0] }
        }
        let items = changes.map { change -> JSON in
            // A CDR change carries the call's legs under its own `items`; a contact change is the contact itself.
            if rest[0] == "cdrs" {
                let legs: [JSON] = change.type == "DELETED" ? [] : [.object(shown(change.item, c, at: "items.0.items.0"))]
                return ["id": change.item["id"] ?? "", "change_type": .string(change.type), "items": .array(legs)]
            }
            var contact = change.item
            contact["change_type"] = .string(change.type)
            return .object(shown(contact, c, at: "items.0"))
        }
        let next = "st-" + newID()
        syncTokens[next] = JSONObject([("key", .string(key)), ("seq", .int(changeSeq))])
        return .json(200, ["token": .string(next), "items": .array(items)])
    }

    func recordChange(_ key: String, _ type: String, _ item: JSONObject) {
        guard key.hasSuffix("/contacts") || key.hasSuffix("/business_contacts") || key.hasSuffix("/extension_contacts") || key.hasSuffix("/cdrs") else { return }
        changeSeq += 1
        changeLog.append((changeSeq, key, type, item))
    }

    // MARK: blobs

    /// 16-bit mono samples in the blob of a digest; its size is what recordings report.
    static func blobSamples(_ digest: String) -> Int { 8000 + digest.utf8.reduce(0) { $0 + Int($1) } * 10 }
    static func blobSize(_ digest: String) -> Int { 44 + blobSamples(digest) * 2 }

    /// A small, valid WAV file of silence whose length depends on the digest.
    func blob(_ digest: String) -> ServerResponse {
        guard knownBlobs.contains(digest) else { return .portsipError(404, "NOT_FOUND", "blob \(digest) not found") }
        if options.hostile["blob-401-once"] != nil, !blobRefusedOnce {
            blobRefusedOnce = true
            return .portsipError(401, "UNAUTHORIZED", "the access token has expired")
        }
        let samples = Self.blobSamples(digest)
        var bytes: [UInt8] = Array("RIFF".utf8)
        func le32(_ value: Int) { bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 24) & 0xFF)] }
        func le16(_ value: Int) { bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        le32(36 + samples * 2)
        bytes += Array("WAVEfmt ".utf8)
        le32(16); le16(1); le16(1); le32(8000); le32(16000); le16(2); le16(16)
        bytes += Array("data".utf8)
        le32(samples * 2)
        bytes += [UInt8](repeating: 0, count: samples * 2)
        return ServerResponse(status: 200, headers: [("Content-Type", "audio/wav")], body: bytes)
    }
}
