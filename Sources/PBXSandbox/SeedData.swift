import PBXCatalog
import PBXJSON

/// Deterministic demo data: the same users, roles and CDRs in every sandbox.
enum SeedData {
    static let firstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda"]
    static let lastNames = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "moore", "taylor", "thomas", "white", "harris", "martin", "clark", "lewis"]
    static let departments = ["Sales", "Support", "Engineering", "Finance", "Operations"]

    static func seed(_ pbx: PortSIPSandbox) {
        for role in PortSIPRules.builtInRoles {
            pbx.roles.append(JSONObject([("name", .string(role)), ("description", .string("Built-in role \(role)")), ("built_in", true)]))
        }
        for index in 0..<pbx.options.users {
            let first = firstNames[index % firstNames.count]
            let last = lastNames[(index / firstNames.count) % lastNames.count]
            let suffix = index >= firstNames.count * lastNames.count ? String(index / (firstNames.count * lastNames.count)) : ""
            let name = "\(first).\(last)\(suffix)"
            let id = pbx.newID()
            let extensionNumber = String(1001 + index)
            let user = JSONObject([
                ("id", .string(id)), ("name", .string(name)),
                ("display_name", .string(first.capitalized + " " + last.capitalized)),
                ("email", .string("\(name)@sandbox.example.com")),
                ("role", .string(index % 25 == 0 ? "Admin" : "StandardUser")),
                ("enabled", .bool(index % 17 != 5)),
                ("extension_number", .string(extensionNumber)),
                ("department", .string(departments[index % departments.count])),
                ("mobile_phone", .string("+1555\(String(1_000_000 + index * 7919 % 9_000_000))")),
                ("enable_dnd", false),
                ("created_at", .string("2026-01-\(String(format2(1 + index % 28)))T\(format2(8 + index % 10)):\(format2(index % 60)):00Z")),
            ])
            pbx.users.append(user)
            pbx.userSecrets[id] = ("Sandbox#\(extensionNumber)", "Ext#\(extensionNumber)")
            if index % 3 == 0 {
                pbx.collections[id + "/registrations", default: []].append(JSONObject([
                    // A fixed UUID per extension, so that help can show one to unregister.
                    ("instance_id", .string("urn:uuid:0b6c5e2a-7d41-4c1e-9f3a-" + String(repeating: "0", count: max(0, 12 - extensionNumber.count)) + extensionNumber)),
                    ("user_agent", .string(index % 2 == 0 ? "Yealink SIP-T54W 96.86.0.30" : "PortSIP UC Client Android 13.4")),
                    ("application", .string(index % 2 == 0 ? "Desk phone" : "PortSIP App")),
                    ("ip", .string("192.0.2.\(1 + index % 250)")),
                    ("enable_push", .bool(index % 2 == 1)),
                    ("contact_address", .string("sip:\(extensionNumber)@192.0.2.\(1 + index % 250):5060;transport=udp")),
                ]))
            }
        }
    }

    static func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

extension String {
    fileprivate var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
