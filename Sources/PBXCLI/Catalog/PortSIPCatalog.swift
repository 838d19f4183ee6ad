import Foundation
import PBXEngine

/// Every PortSIP catalog entry, and the operations driven by hand-written commands:
/// together, the operation → command reference in docs/operations.md.
enum PortSIPCatalog {
    /// A command group of the tree: its word, its summary and its entries.
    struct Group {
        let name: String
        let summary: String
        let operations: [Operation]
    }

    /// The groups, declared once: the root command builds its PortSIP groups from them,
    /// and the operation reference lists their entries in this order.
    static var groups: [Group] {
        [
            Group(name: "users", summary: "Manage extension users", operations: PortSIPUsersCatalog.users),
            Group(name: "roles", summary: "Manage roles", operations: PortSIPUsersCatalog.roles),
            Group(name: "me", summary: "Your own user: profile, passwords, presence", operations: PortSIPPersonalCatalog.me),
            Group(name: "groups", summary: "Manage user groups and their members", operations: PortSIPGroupsCatalog.groups),
            Group(name: "phones", summary: "Manage IP phones (yours, or a user's with --user)", operations: PortSIPPersonalCatalog.phones),
            Group(name: "meetings", summary: "Manage meetings (conference rooms) and their participants", operations: PortSIPMeetingsCatalog.meetings),
            Group(name: "contacts", summary: "Manage contacts and sync them", operations: PortSIPRecordsCatalog.contacts),
            Group(name: "cdrs", summary: "Read call detail records", operations: PortSIPRecordsCatalog.cdrs),
            Group(name: "recordings", summary: "List, download and delete call recordings", operations: PortSIPRecordsCatalog.recordings),
            Group(name: "messages", summary: "Read external messages (SMS/MMS, channels)", operations: PortSIPRecordsCatalog.messages),
            Group(name: "holidays", summary: "Manage holidays (yours, or a user's with --user)", operations: PortSIPPersonalCatalog.holidays),
            Group(name: "speed-dials", summary: "Manage speed dials (--kind 8 or 100)", operations: PortSIPPersonalCatalog.speedDials),
            Group(name: "greetings", summary: "Manage voicemail greetings", operations: PortSIPPersonalCatalog.greetings),
            Group(name: "call-queues", summary: "Call queues you (or --user) belong to, and agent status", operations: PortSIPPersonalCatalog.callQueues),
            Group(name: "registration", summary: "Is an agent's phone registered, and from what", operations: PortSIPRegistrationCatalog.operations),
        ]
    }

    static var all: [Operation] { groups.flatMap(\.operations) }

    /// Operations sent by commands that are not catalog entries.
    static let handWritten: [(method: String, path: String, command: String)] = [
        ("POST", "/login", "pbxctl login"),
        ("POST", "/auth/refresh_token", "any command, once, when the access token has expired"),
        ("POST", "/user/contacts/sync_tokens", "pbxctl contacts sync"),
        ("POST", "/user/contacts/sync_tokens/{token}/diff", "pbxctl contacts sync [--token T]"),
        ("POST", "/user/business_contacts/sync_tokens", "pbxctl contacts sync --kind business"),
        ("POST", "/user/business_contacts/sync_tokens/{token}/diff", "pbxctl contacts sync --kind business [--token T]"),
        ("POST", "/user/extension_contacts/sync_tokens", "pbxctl contacts sync --kind extension"),
        ("POST", "/user/extension_contacts/sync_tokens/{token}/diff", "pbxctl contacts sync --kind extension [--token T]"),
        ("POST", "/user/cdrs/sync_tokens", "pbxctl cdrs sync --since RFC3339"),
        ("POST", "/user/cdrs/sync_tokens/{token}/diff", "pbxctl cdrs sync [--token T]"),
        ("GET", "/cdrs", "pbxctl cdrs list --tenant [--since T] [--until T] [--last N] [--extension EXT]"),
        ("GET", "/blobs/{digest}", "pbxctl recordings download ID"),
        ("GET", "/users", "pbxctl users diff|apply -f FILE"),
        ("GET", "/groups/{id}/members", "pbxctl users diff|apply -f FILE (with a groups column)"),
        ("POST", "/users", "pbxctl users apply -f FILE"),
        ("POST", "/users/{id}", "pbxctl users apply -f FILE"),
        ("POST", "/users/{id}/role", "pbxctl users apply -f FILE"),
        ("POST", "/users/{id}/destroy", "pbxctl users apply -f FILE --prune"),
        ("POST", "/groups/{id}/members/{extension_number}", "pbxctl users apply -f FILE (with a groups column)"),
        ("POST", "/groups/{id}/members/{extension_number}/destroy", "pbxctl users apply -f FILE (with a groups column)"),
        ("GET", "/users/{id}/status", "pbxctl registration check USER [--wait SEC] [--nagios]"),
        ("GET", "/users/{id}/status", "pbxctl registration watch USER... [--interval SEC]"),
    ]

    /// (method, path, command) for every PortSIP operation pbxctl sends, in catalog order.
    static var mapping: [(method: String, path: String, command: String)] {
        var rows: [(String, String, String)] = []
        for operation in all {
            let words = "pbxctl " + operation.words.joined(separator: " ")
            let args = operation.arguments.map { $0.optional ? "[\($0.name)]" : $0.name + ($0.variadic ? "..." : "") }.joined(separator: " ")
            let command = args.isEmpty ? words : words + " " + args
            rows.append((operation.method, operation.path, command))
            if let admin = operation.adminPath { rows.append((operation.method, admin, command + " --user USER")) }
            for variant in operation.variants { rows += variant.references(operation, command: command) }
        }
        return rows + handWritten
    }

    static var markdown: String {
        var out = "# PortSIP operation → pbxctl command\n\n"
        out += "Generated from the command catalog (`pbxctl __reference operations`); a test keeps it in sync.\n"
        out += "Paths are relative to the API root `https://HOST:8887/api`.\n\n"
        out += "| method | path | command |\n|---|---|---|\n"
        for row in mapping { out += "| \(row.method) | `\(row.path)` | `\(row.command)` |\n" }
        return out
    }
}
