import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// Contacts, CDRs, recordings and external messages.
enum PortSIPRecordsCatalog {
    static let contactKind = FlagKey<String>.choice("kind", ["personal", "business", "extension"], value: "KIND", default: "personal",
                                                    help: "which contact list the ID is in")

    typealias R = CatalogBuilders.Resource

    /// Each contact list's path segment.
    static let contactKinds = [(value: "personal", segment: "contacts"), (value: "business", segment: "business_contacts"), (value: "extension", segment: "extension_contacts")]

    static var contacts: [Operation] {
        let flags = [
            BodyFlag("name", "name", "full name"), BodyFlag("email", "email", "email address"), BodyFlag("company", "company", "company"),
            BodyFlag("title", "title", "job title"), BodyFlag("business", "business", "business phone"), BodyFlag("mobile-phone", "mobile_phone", "mobile phone"),
            BodyFlag("home-phone", "home_phone", "home phone"),
        ]
        let r = R(group: ["contacts"], noun: "contact", base: "/user/contacts", admin: nil,
                  columns: ["id", "name", "email", "company", "mobile_phone", "business", "favorite"], idHelp: "contact ID",
                  createFlags: flags, updateFlags: flags, example: "contact-1")
        var crud = CatalogBuilders.crud(r, createExample: "pbxctl contacts create --name 'Dana Lee' --mobile-phone +15550100 --company Acme",
                                       updateExample: "pbxctl contacts update contact-1 --title CTO")
        crud.delete.examples = ["pbxctl contacts delete contact-2 --yes"]
        var ops = crud.all
        for (word, summary) in [("favorite", "Mark a contact as a favorite"), ("unfavorite", "Unmark a favorite contact")] {
            var op = CatalogBuilders.action(r, word, summary, word)
            op.arguments = [OperationArgument("ID", "contact ID; for --kind extension, the user's ID or extension number", .userWhen(flag: contactKind.long, is: "extension"))]
            op.variants = [.segment(contactKind, replacing: "contacts", by: contactKinds)]
            op.examples = ["pbxctl contacts \(word) contact-1", "pbxctl contacts \(word) bc-1 --kind business", "pbxctl contacts \(word) 1001 --kind extension"]
            ops.append(op)
        }
        return ops
    }

    static var cdrs: [Operation] {
        let r = R(group: ["cdrs"], noun: "CDR", base: "/user/cdrs", admin: nil,
                  columns: ["started_at", "caller", "callee", "direction", "duration", "end_reason"], idHelp: "CDR ID", example: "cdr-admin-1")
        var list = CatalogBuilders.list(r, summary: "List your call detail records")
        list.examples = ["pbxctl cdrs list --all -o jsonl", "pbxctl cdrs list --limit 20"]
        var get = CatalogBuilders.get(r)
        get.summary = "Show a call detail record"
        get.recordPath = "items"
        return [list, get]
    }

    /// Where `GET /user/recordings/{id}` holds the recording.
    static let recordingRecordPath = "items.0"

    static var recordings: [Operation] {
        let r = R(group: ["recordings"], noun: "recording", base: "/user/recordings", admin: nil,
                  columns: ["id", "caller", "callee", "started_at", "ended_at"], idHelp: "recording ID", example: "rec-admin-1")
        var list = CatalogBuilders.list(r)
        list.examples.append("pbxctl recordings list --filter \"caller eq '1001'\"")
        var get = CatalogBuilders.get(r)
        get.recordPath = recordingRecordPath
        var delete = CatalogBuilders.delete(r)
        delete.examples = ["pbxctl recordings delete rec-admin-5 --yes"]
        return [list, get, delete]
    }

    static var messages: [Operation] {
        let r = R(group: ["messages"], noun: "message", base: "/user/external_messages", admin: nil,
                  columns: ["id", "created_at", "direction", "sender", "receiver", "msg_type", "delivery"], idHelp: "message ID", example: "msg-1")
        var list = CatalogBuilders.list(r, summary: "List your external (SMS/MMS and channel) messages")
        list.examples = ["pbxctl messages list", "pbxctl messages list -o json --fields id,sender,content"]
        return [list, CatalogBuilders.get(r)]
    }
}
