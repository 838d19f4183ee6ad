import Foundation
import PBXCatalog
import PBXJSON

/// Per-user demo data, made the first time a collection is read, the same every time.
extension PortSIPSandbox {
    func seeded(_ key: String) -> [JSONObject] {
        if key.hasSuffix("/extension_contacts") { return extensionContacts(key) }
        if let existing = collections[key] { return existing }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let owner = String(parts.first ?? "")
        let name = String(parts.last ?? "")
        let isAdmin = owner == adminSubject
        let ownerExtension = isAdmin ? "100" : (users.first { $0["id"]?.stringValue == owner }?["extension_number"]?.stringValue ?? "1000")
        var items: [JSONObject] = []
        switch name {
        case "holidays" where owner == "_":
            for (index, (holiday, month, day)) in [("New Year's Day", 1, 1), ("Labour Day", 5, 1), ("Christmas Day", 12, 25)].enumerated() {
                items.append(JSONObject([
                    ("id", .string("tenant-holiday-\(index + 1)")), ("name", .string(holiday)), ("region", "GBR"), ("consecutive", false),
                    ("every_year", true), ("month_start", .int(month)), ("day_start", .int(day)), ("month_end", .int(month)), ("day_end", .int(day)),
                ]))
            }
        case "cdrs" where owner.isEmpty:
            items = SeedData.tenantCDRs(count: options.cdrs, extensions: users.prefix(50).compactMap { $0["extension_number"]?.stringValue })
        case "cdrs":
            items = SeedData.cdrs(count: isAdmin ? options.cdrs : 20, ownerExtension: ownerExtension, idPrefix: owner)
        case "recordings":
            for index in 0..<5 {
                let digest = "sha256-\(owner.prefix(8))-\(index)"
                knownBlobs.insert(digest)
                items.append(JSONObject([
                    ("id", .string("rec-\(owner.prefix(8))-\(index + 1)")), ("caller", .string(ownerExtension)), ("callee", .string(String(1001 + index))),
                    ("started_at", .string("2026-11-0\(index + 1)T10:00:00Z")), ("ended_at", .string("2026-11-0\(index + 1)T10:0\(index + 1):30Z")),
                    ("duration", .int(90 + index * 60)), ("file_name", .string(options.hostile["file-name"] ?? "recording-\(index + 1).wav")),
                    ("file_size", .int(Self.blobSize(digest))), ("file_url", .string(hostileFileURLBase + "/api/blobs/\(digest)")),
                ]))
            }
        case "external_messages":
            for index in 0..<5 {
                items.append(JSONObject([
                    ("id", .string("msg-\(index + 1)")), ("sender", .string("+1555010\(index)")), ("receiver", .string(ownerExtension)),
                    ("channel_name", "SMS"), ("msg_type", "SMS"), ("direction", .string(index % 2 == 0 ? "IN" : "OUT")),
                    ("content", .string("Sandbox message \(index + 1)")), ("delivery", "DELIVERED"), ("created_at", .string("2026-11-1\(index)T09:30:00Z")),
                ]))
            }
        case "outbound_caller_ids":
            items = [
                JSONObject([("provider_id", "trunk-1"), ("caller_id", "+442079460000"), ("description", "London main line")]),
                JSONObject([("provider_id", "trunk-2"), ("caller_id", "+12125550100"), ("description", "New York office")]),
            ]
        case "ring_groups":
            items = [JSONObject([("id", "rg-1"), ("name", "Reception"), ("extension_number", "600")]), JSONObject([("id", "rg-2"), ("name", "After hours"), ("extension_number", "601")])]
        case "call_queues":
            items = [JSONObject([("id", "cq-1"), ("name", "Support"), ("extension_number", "700")]), JSONObject([("id", "cq-2"), ("name", "Sales"), ("extension_number", "701")])]
        case "business_contacts":
            for index in 0..<5 {
                items.append(JSONObject([("id", .string("bc-\(index + 1)")), ("name", .string("Partner \(index + 1)")), ("company", "Acme Ltd"),
                                         ("business", .string("+44207946010\(index)")), ("favorite", false)]))
            }
        case "meetings" where isAdmin:
            items = [JSONObject([("id", "meeting-1"), ("subject", "Sandbox all-hands"), ("mode", "VIDEO"), ("extension_number", "800"),
                                 ("layout", "LAYOUT4"), ("timezone", "Europe/London"), ("created_at", "2026-11-01T09:00:00Z")]),
                     JSONObject([("id", "meeting-2"), ("subject", "Quarterly review"), ("mode", "AUDIO"), ("extension_number", "801"),
                                 ("layout", "LAYOUT4"), ("timezone", "Europe/London"), ("created_at", "2026-11-02T09:00:00Z")])]
        // The admin's own phone, holiday, speed dials, greetings and personal contacts: what
        // the examples in help show, so each runs as printed against a fresh sandbox.
        case "phones" where isAdmin:
            items = [JSONObject([("id", "phone-1"), ("mac", "00:15:65:12:34:01"), ("vendor", "Yealink"), ("model", "T54W"), ("filename", "yealink.xml"),
                                 ("language", "ENGLISH"), ("transfer", "BLIND"), ("timezone", "Europe/London"), ("interface", "PRIVATE_IPV4"),
                                 ("preferred_transport", "UDP")])]
        case "holidays" where isAdmin:
            items = [JSONObject([("id", "holiday-1"), ("name", "Company away day"), ("region", "GBR"), ("consecutive", false), ("every_year", true),
                                 ("month_start", 6), ("day_start", 12), ("month_end", 6), ("day_end", 12)])]
        case "speed_dial_8" where isAdmin:
            items = [JSONObject([("id", "sd8-1"), ("code", "9"), ("phone_number", "1003"), ("description", "Security desk")])]
        case "speed_dial_100" where isAdmin:
            items = [JSONObject([("id", "sd100-1"), ("code", "01"), ("phone_number", "0044207946001"), ("description", "London office")])]
        case "greetings" where isAdmin:
            items = [JSONObject([("id", "greeting-1"), ("enabled", false), ("file_name", "welcome.wav"), ("file_size", 32044), ("file_url", "/api/blobs/welcome")])]
        case "contacts" where isAdmin:
            for (index, (name, company)) in [("Dana Lee", "Acme"), ("Sam Ortiz", "Globex")].enumerated() {
                items.append(JSONObject([("id", .string("contact-\(index + 1)")), ("name", .string(name)), ("company", .string(company)),
                                         ("mobile_phone", .string("+1555020\(index)")), ("favorite", false)]))
            }
        case "groups" where owner.isEmpty:
            for (index, group) in ["Sales", "Support", "Engineering"].enumerated() {
                let id = "group-\(index + 1)"
                items.append(JSONObject([("id", .string(id)), ("name", .string(group)), ("description", .string("The \(group.lowercased()) team"))]))
                collections["/groups/\(id)/members"] = users.enumerated().filter { $0.offset % 5 == index }.prefix(10).map { _, user in
                    JSONObject([("id", user["id"]!), ("name", user["name"]!), ("display_name", user["display_name"] ?? ""), ("extension_number", user["extension_number"]!)])
                }
            }
        default:
            break
        }
        collections[key] = items
        return items
    }

    /// Every user is an extension contact, under the user's ID, as on a real PBX: built
    /// from the users as they are now, keeping the caller's favorites.
    func extensionContacts(_ key: String) -> [JSONObject] {
        let favorites = Set((collections[key] ?? []).filter { $0["favorite"]?.boolValue == true }.compactMap { $0["id"]?.stringValue })
        let contacts = users.map { user in
            JSONObject([("id", user["id"]!), ("display_name", user["display_name"] ?? ""), ("email", user["email"] ?? ""),
                        ("extension_number", user["extension_number"] ?? ""),
                        ("favorite", .bool(favorites.contains(user["id"]?.stringValue ?? "")))])
        }
        collections[key] = contacts
        return contacts
    }

    /// A phone registering for an extension (the sandbox's `POST /_sandbox/portsip/registrations?extension=N`).
    func simulateRegistration(extensionNumber: String) -> JSONObject? {
        guard let id = users.first(where: { $0["extension_number"]?.stringValue == extensionNumber })?["id"]?.stringValue else { return nil }
        let registration = JSONObject([
            ("instance_id", .string("urn:uuid:sandbox-\(extensionNumber)-\(collections[id + "/registrations"]?.count ?? 0)")),
            ("user_agent", "Zoiper 5.6"), ("application", "Softphone"), ("ip", "198.51.100.7"), ("enable_push", false),
            ("contact_address", .string("sip:\(extensionNumber)@198.51.100.7:5060;transport=tcp")),
        ])
        collections[id + "/registrations", default: []].append(registration)
        return registration
    }

    /// A new CDR, as if a call had just ended (the sandbox's `POST /_sandbox/portsip/cdrs`).
    func simulateCall() -> JSONObject {
        let key = adminSubject + "/cdrs"
        var list = seeded(key)
        var call = SeedData.cdrs(count: 1, ownerExtension: "100", idPrefix: "live-\(list.count)")[0]
        call["started_at"] = .string(Self.now())
        list.append(call)
        collections[key] = list
        recordChange(key, "CREATED", call)
        return call
    }
}

extension SeedData {
    /// Every extension's calls (`GET /cdrs`): the same calls as one user's list, each
    /// made or taken by one of `extensions` in turn.
    static func tenantCDRs(count: Int, extensions: [String]) -> [JSONObject] {
        let placeholder = "owner"
        guard !extensions.isEmpty else { return [] }
        return cdrs(count: count, ownerExtension: placeholder, idPrefix: "tenant").enumerated().map { index, call in
            var call = call
            let number = JSON.string(extensions[index % extensions.count])
            if call["caller"]?.stringValue == placeholder { call["caller"] = number }
            if call["callee"]?.stringValue == placeholder { call["callee"] = number }
            return call
        }
    }

    static func cdrs(count: Int, ownerExtension: String, idPrefix: String) -> [JSONObject] {
        let reasons = ["CALLER_DISCONNECTED", "CALLEE_DISCONNECTED", "CANCELLED", "BLIND_TRANSFER_COMPLETED"]
        let base = Date(timeIntervalSince1970: 1_790_000_000)
        var items: [JSONObject] = []
        items.reserveCapacity(count)
        for index in 0..<count {
            let outbound = index % 2 == 0
            let other = outbound ? String(1001 + index % 250) : "+1555\(String(2_000_000 + index * 37 % 7_000_000))"
            let started = base.addingTimeInterval(Double(index) * 90)
            let duration = (index * 37) % 600
            items.append(JSONObject([
                ("id", .string("cdr-\(idPrefix.prefix(8))-\(index + 1)")),
                ("caller", .string(outbound ? ownerExtension : other)), ("callee", .string(outbound ? other : ownerExtension)),
                ("started_at", .string(RFC3339.format(started))), ("ended_at", .string(RFC3339.format(started.addingTimeInterval(Double(duration))))),
                ("direction", .string(outbound ? "OUTBOUND_CALL" : "INBOUND_CALL")), ("duration", .int(duration)),
                ("end_reason", .string(reasons[index % reasons.count])), ("call_id", .string("call-\(index + 1)@sandbox")),
            ]))
        }
        return items
    }
}
