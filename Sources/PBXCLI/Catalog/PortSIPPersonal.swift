import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// Resources that exist per user, in a "current user" form (`/user/...`) and an
/// admin form (`/users/{id}/...`, with `--user`): phones, holidays, speed dials,
/// greetings and call queues; and `me`.
enum PortSIPPersonalCatalog {
    static let speedDialKind = FlagKey<String>.choice("kind", ["8", "100"], value: "8|100", default: "8", help: "speed-dial-8 (codes 2-9) or speed-dial-100 (codes 00-99)")
    static let agentStatus = FlagKey<String?>.choice("set-status", ["READY", "NOT_READY", "WRAP_UP", "BREAK", "LUNCH", "LOGGED_IN", "LOGGED_OUT"], value: "STATUS",
                                                     help: "change the agent status")

    typealias R = CatalogBuilders.Resource

    static var phones: [Operation] {
        let r = R(group: ["phones"], noun: "phone", base: "/user/phones", admin: ("/users/{id}/phones", "phone_id"),
                  columns: ["id", "mac", "vendor", "model", "language", "preferred_transport"], idHelp: "phone ID",
                  createFlags: [
                      BodyFlag("mac", "mac", "MAC address"), BodyFlag("vendor", "vendor"), BodyFlag("model", "model"),
                      BodyFlag("filename", "filename", "provisioning template file name"), BodyFlag("language", "language", "display language"),
                      BodyFlag("transfer", "transfer", "transfer method"), BodyFlag("timezone", "timezone", "time zone"),
                      BodyFlag("interface", "interface", "interface for auto provisioning"), BodyFlag("transport", "preferred_transport", "SIP transport"),
                  ],
                  updateFlags: [BodyFlag("language", "language", "display language"), BodyFlag("transfer", "transfer", "transfer method"), BodyFlag("timezone", "timezone", "time zone")],
                  rules: .phones, example: "phone-1")
        var crud = CatalogBuilders.crud(r,
            createExample: "pbxctl phones create --user 1001 --mac 00:15:65:12:34:56 --vendor Yealink --model T54W --filename yealink.xml --language ENGLISH --transfer BLIND --timezone Europe/London --interface PRIVATE_IPV4 --transport UDP -F codecs='[\"PCMA\",\"G722\"]' -F password=@phone-password.txt",
            updateExample: "pbxctl phones update phone-1 --language FRENCH")
        crud.create.secrets = [SecretField("password", "Phone web interface password")]
        crud.list.secretOutputFields = ["password", "door_password1", "door_password2"]
        crud.get.secretOutputFields = ["password", "door_password1", "door_password2"]
        return crud.all
    }

    static var holidays: [Operation] {
        let flags = [
            BodyFlag("name", "name", "holiday name"), BodyFlag("region", "region", "ISO 3166-1 alpha-3 country code"),
            BodyFlag("consecutive", "consecutive"), BodyFlag("every-year", "every_year", "whether it repeats every year"),
        ]
        let r = R(group: ["holidays"], noun: "holiday", base: "/user/holidays", admin: ("/users/{id}/holidays", "holiday_id"),
                  columns: ["id", "name", "region", "consecutive", "every_year", "month_start", "day_start", "month_end", "day_end"], idHelp: "holiday ID",
                  createFlags: flags, updateFlags: flags, example: "holiday-1")
        let crud = CatalogBuilders.crud(r,
            createExample: "pbxctl holidays create --name 'Boxing Day' --region GBR --consecutive false --every-year true -F month_start=12 -F day_start=26 -F month_end=12 -F day_end=26",
            updateExample: "pbxctl holidays update holiday-1 --name 'Boxing Day' --consecutive false --every-year true")
        var global = Operation(["holidays", "global"], "List the tenant-wide holidays that apply to the user", .list, "GET", "/user/global_holidays", noun: "global holiday")
        global.adminPath = "/users/{id}/global_holidays"
        global.columns = ["id", "name", "region", "month_start", "day_start"]
        global.examples = ["pbxctl holidays global", "pbxctl holidays global --user 1001"]
        var setGlobal = Operation(["holidays", "set-global"], "Choose which tenant-wide holidays apply to the user", .action, "POST", "/user/global_holidays", noun: "global holidays")
        setGlobal.adminPath = "/users/{id}/global_holidays"
        setGlobal.arguments = [OperationArgument("ID", "tenant holiday IDs (replaces the list)", .bodyList("items"), variadic: true)]
        setGlobal.examples = ["pbxctl holidays set-global tenant-holiday-1 tenant-holiday-3 --user 1001"]
        return crud.all + [global, setGlobal]
    }

    static var speedDials: [Operation] {
        let flags = [BodyFlag("code", "code", "the code: 2-9 for --kind 8, 00-99 for --kind 100"), BodyFlag("number", "phone_number", "the number it dials"), BodyFlag("description", "description", "description")]
        let r = R(group: ["speed-dials"], noun: "speed dial", base: "/user/speed_dial_8", admin: ("/users/{id}/speed_dial_8", "dial_id"),
                  columns: ["id", "code", "phone_number", "description"], idHelp: "speed dial ID", createFlags: flags, updateFlags: flags,
                  example: "sd8-1")
        var crud = CatalogBuilders.crud(r,
            createExample: "pbxctl speed-dials create --kind 8 --code 2 --number 1002 --description Reception",
            updateExample: "pbxctl speed-dials update sd100-1 --kind 100 --number 0044207946000")
        crud.each { operation in
            operation.variants = [.segment(speedDialKind, replacing: "speed_dial_8", by: [("8", "speed_dial_8"), ("100", "speed_dial_100")])]
            operation.rules = .speedDials
        }
        crud.list.examples = ["pbxctl speed-dials list --kind 8", "pbxctl speed-dials list --kind 100 --user 1001 -o json"]
        return crud.all
    }

    static var greetings: [Operation] {
        let r = R(group: ["greetings"], noun: "greeting", base: "/user/greetings", admin: ("/users/{id}/greetings", "greeting_id"),
                  columns: ["id", "enabled", "file_name", "file_size"], idHelp: "greeting ID", example: "greeting-1")
        var create = CatalogBuilders.create(r)
        create.summary = "Add a greeting from an uploaded file"
        create.arguments = [OperationArgument("FILE_ID", "the ID of an uploaded audio file", .body("file_id"))]
        create.examples = ["pbxctl greetings create welcome --user 1001"]
        return [CatalogBuilders.list(r), create,
                CatalogBuilders.action(r, "enable", "Make a greeting the active one", "enable"),
                CatalogBuilders.action(r, "disable", "Stop using a greeting", "disable"),
                CatalogBuilders.delete(r)]
    }

    static var callQueues: [Operation] {
        var list = Operation(["call-queues", "list"], "List the call queues the user belongs to", .list, "GET", "/user/call_queues", noun: "call queue")
        list.adminPath = "/users/{id}/call_queues"
        list.columns = ["id", "name", "extension_number"]
        list.examples = ["pbxctl call-queues list", "pbxctl call-queues list --user 1001"]
        var agent = Operation(["call-queues", "agent"], "Show (or set) the user's agent status in a call queue", .get, "GET", "/user/call_queues/{id}/agent", noun: "agent status")
        agent.adminPath = "/users/{id}/call_queues/{queue_id}/agent"
        agent.arguments = [OperationArgument("QID", "call queue ID", .path)]
        agent.variants = [.flagSendsBody(agentStatus, method: "POST", field: "status", number: false)]
        agent.examples = ["pbxctl call-queues agent cq-1", "pbxctl call-queues agent cq-1 --set-status BREAK --user 1001"]
        return [list, agent]
    }

    static var me: [Operation] {
        var get = Operation(["me", "get"], "Show your own user", .get, "GET", "/user", noun: "user")
        get.examples = ["pbxctl me get", "pbxctl me get -o json"]
        var update = Operation(["me", "update"], "Update your own user", .update, "POST", "/user", noun: "user")
        update.bodyFlags = [BodyFlag("display-name", "display_name", "display name"), BodyFlag("email", "email", "email address"), BodyFlag("mobile-phone", "mobile_phone", "mobile phone number")]
        update.examples = ["pbxctl me update --display-name 'Alice S.' -F enable_dnd=true"]
        var password = Operation(["me", "set-password"], "Change your password", .action, "POST", "/user/password", noun: "password")
        password.secrets = [SecretField("new_password", "New password"), SecretField("old_password", "Current password")]
        password.examples = ["pbxctl me set-password -F old_password=@old-password.txt -F new_password=@new-password.txt"]
        var extensionPassword = Operation(["me", "set-extension-password"], "Change your extension (SIP) password", .action, "POST", "/user/extension_password", noun: "extension password")
        extensionPassword.secrets = [SecretField("new_password", "New extension password"), SecretField("old_password", "Current extension password")]
        extensionPassword.examples = ["pbxctl me set-extension-password -F old_password=@old-sip-password.txt -F new_password=@sip-password.txt"]
        var status = Operation(["me", "status"], "Show your registration status and presence", .get, "GET", "/user/status", noun: "status")
        status.examples = ["pbxctl me status"]
        var presence = Operation(["me", "presence"], "Set your presence", .action, "POST", "/user/presence", noun: "presence")
        presence.arguments = [OperationArgument("STATE", "DO_NOT_DISTURB, AVAILABLE, AWAY, BUSINESS_TRIP or LUNCH", .body("presence"))]
        presence.bodyFlags = [BodyFlag("note", "presence_note", "a presence note")]
        presence.examples = ["pbxctl me presence AWAY --note 'Back at 2pm'"]
        var callerIDs = Operation(["me", "caller-ids"], "List your outbound caller IDs", .list, "GET", "/user/outbound_caller_ids", noun: "caller ID")
        callerIDs.columns = ["provider_id", "caller_id", "description"]
        callerIDs.idKey = "caller_id"
        callerIDs.examples = ["pbxctl me caller-ids"]
        var ringGroups = Operation(["me", "ring-groups"], "List the ring groups you belong to", .list, "GET", "/user/ring_groups", noun: "ring group")
        ringGroups.columns = ["id", "name", "extension_number"]
        ringGroups.examples = ["pbxctl me ring-groups -o json"]
        return [get, update, password, extensionPassword, status, presence, callerIDs, ringGroups]
    }
}
