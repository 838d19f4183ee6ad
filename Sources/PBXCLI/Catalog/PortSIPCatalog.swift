import Foundation
import PBXEngine

/// Every PortSIP catalog entry, and the operations driven by hand-written commands:
/// together, the operation → command reference in docs/operations.md.
enum PortSIPCatalog {
    static var all: [Operation] {
        PortSIPUsersCatalog.users + PortSIPUsersCatalog.roles + PortSIPPersonalCatalog.me + PortSIPGroupsCatalog.groups
            + PortSIPPersonalCatalog.phones + PortSIPMeetingsCatalog.meetings + PortSIPRecordsCatalog.contacts + PortSIPRecordsCatalog.cdrs
            + PortSIPRecordsCatalog.recordings + PortSIPRecordsCatalog.messages + PortSIPPersonalCatalog.holidays + PortSIPPersonalCatalog.speedDials
            + PortSIPPersonalCatalog.greetings + PortSIPPersonalCatalog.callQueues + PortSIPRegistrationCatalog.operations
    }

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
