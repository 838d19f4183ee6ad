import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `meetings` and `meetings participants`.
enum PortSIPMeetingsCatalog {
    typealias R = CatalogBuilders.Resource

    static let meeting = R(group: ["meetings"], noun: "meeting", base: "/user/meetings", admin: nil,
                           columns: ["id", "subject", "mode", "extension_number", "layout", "timezone", "created_at"], idHelp: "meeting ID",
                           createFlags: [
                               BodyFlag("subject", "subject", "the meeting's subject"), BodyFlag("mode", "mode", "AUDIO or VIDEO"),
                               BodyFlag("timezone", "timezone", "IANA time zone, e.g. Europe/Paris"), BodyFlag("layout", "layout", "video layout"),
                               BodyFlag("control", "control", "FREE or MASTER"), BodyFlag("language", "language", "BCP 47 language tag"),
                           ],
                           updateFlags: [
                               BodyFlag("subject", "subject", "the meeting's subject"), BodyFlag("timezone", "timezone", "IANA time zone"),
                               BodyFlag("layout", "layout", "video layout"), BodyFlag("control", "control", "FREE or MASTER"),
                           ],
                           rules: .meetings, example: "meeting-1")

    static var meetings: [Operation] {
        var crud = CatalogBuilders.crud(meeting,
            createExample: "pbxctl meetings create --subject 'Weekly sync' --mode VIDEO --timezone Europe/Paris -f room_pin=4321",
            updateExample: "pbxctl meetings update meeting-1 --subject 'Weekly sync (moved)'")
        crud.list.examples.append("pbxctl meetings list --filter \"mode eq 'VIDEO'\"")
        crud.delete.examples = ["pbxctl meetings delete meeting-2 --yes"]
        crud.list.secretOutputFields = ["admin_pin", "room_pin"]
        crud.get.secretOutputFields = ["admin_pin", "room_pin"]
        var ops = crud.all
        var status = Operation(["meetings", "status"], "Show whether a meeting is online, locked, muted, recording", .get, "GET", "/user/meetings/{id}/status", noun: "meeting")
        status.arguments = [CatalogBuilders.item(meeting)]
        status.examples = ["pbxctl meetings status meeting-1"]
        ops.append(status)
        // In the order of a meeting's life, so that the examples run one after the other.
        for (word, summary, suffix) in [
            ("start", "Start the meeting", "start"),
            ("lock", "Lock the meeting to new participants", "lock"), ("unlock", "Unlock the meeting", "unlock"),
            ("mute", "Mute every participant", "mute"), ("unmute", "Unmute every participant", "unmute"),
            ("start-recording", "Start recording", "start_recording"), ("stop-recording", "Stop recording", "stop_recording"),
        ] {
            ops.append(CatalogBuilders.action(meeting, word, summary, suffix))
        }
        return ops + participants + [CatalogBuilders.action(meeting, "stop", "Stop the meeting", "stop")]
    }

    static var participants: [Operation] {
        let group = ["meetings", "participants"]
        let mid = OperationArgument("MID", "meeting ID", .path)
        let pid = OperationArgument("PID", "participant ID", .path)
        var list = Operation(group + ["list"], "List a meeting's participants", .list, "GET", "/user/meetings/{id}/participants", noun: "participant")
        list.arguments = [mid]
        list.columns = ["id", "display_name", "muted", "chairman", "position"]
        list.examples = ["pbxctl meetings participants list meeting-1"]
        var get = Operation(group + ["get"], "Show a participant", .get, "GET", "/user/meetings/{id}/participants/{participant_id}", noun: "participant")
        get.arguments = [mid, pid]
        get.examples = ["pbxctl meetings participants get meeting-1 participant-1002"]
        var invite = Operation(group + ["invite"], "Call a number into the meeting", .action, "POST", "/user/meetings/{id}/participants/invite", noun: "participant")
        invite.arguments = [mid, OperationArgument("NUMBER", "extension or phone number to call", .body("number"))]
        invite.examples = ["pbxctl meetings participants invite meeting-1 1002", "pbxctl meetings participants invite meeting-1 1003"]
        var ops = [invite, list, get]
        for (word, summary) in [("mute", "Mute a participant"), ("unmute", "Unmute a participant"), ("chairman", "Make a participant the chairman")] {
            var op = Operation(group + [word], summary, .action, "POST", "/user/meetings/{id}/participants/{participant_id}/" + word, noun: "participant")
            op.arguments = [mid, pid]
            op.examples = ["pbxctl meetings participants \(word) meeting-1 participant-1002"]
            ops.append(op)
        }
        var position = Operation(group + ["position"], "Place a participant in the video layout (-1 hides)", .action, "POST", "/user/meetings/{id}/participants/{participant_id}/position", noun: "participant")
        position.arguments = [mid, pid, OperationArgument("POS", "position -1..8", .body("position"))]
        position.examples = ["pbxctl meetings participants position meeting-1 participant-1002 2"]
        var layout = Operation(group + ["layout"], "Set the order of participants in the video layout", .action, "POST", "/user/meetings/{id}/participants/layout", noun: "layout")
        layout.arguments = [mid, OperationArgument("PID", "participant IDs in layout order", .bodyList("items"), variadic: true)]
        layout.examples = ["pbxctl meetings participants layout meeting-1 participant-1003 participant-1002"]
        var kick = Operation(group + ["kick"], "Remove a participant from the meeting", .delete, "POST", "/user/meetings/{id}/participants/{participant_id}/destroy", noun: "participant")
        kick.arguments = [mid, pid]
        kick.confirm = true
        kick.examples = ["pbxctl meetings participants kick meeting-1 participant-1003 --yes"]
        return ops + [position, layout, kick]
    }
}

/// `groups`: user groups and their members (addressed by extension number).
enum PortSIPGroupsCatalog {
    static var groups: [Operation] {
        let flags = [BodyFlag("name", "name", "group name"), BodyFlag("description", "description", "description")]
        let r = CatalogBuilders.Resource(group: ["groups"], noun: "group", base: "/groups", admin: nil, columns: ["id", "name", "description"],
                                         idHelp: "group ID", createFlags: flags, updateFlags: flags, example: "group-1")
        var crud = CatalogBuilders.crud(r, createExample: "pbxctl groups create --name Sales --description 'Sales team'",
                                       updateExample: "pbxctl groups update group-1 --description 'EMEA sales'")
        crud.delete.examples = ["pbxctl groups delete group-3 --yes"]
        crud.list.examples.append("pbxctl groups list --search sales -o json")
        let ops = crud.all
        let id = OperationArgument("ID", "group ID", .path)
        let ext = OperationArgument("EXT", "member's extension number", .path)
        var members = Operation(["groups", "members"], "List a group's members", .list, "GET", "/groups/{id}/members", noun: "member")
        members.arguments = [id]
        members.columns = ["extension_number", "name", "display_name", "id"]
        members.idKey = "extension_number"
        members.examples = ["pbxctl groups members group-1"]
        var check = Operation(["groups", "member-check"], "Exit 0 if an extension is in the group, 4 if not", .get, "GET", "/groups/{id}/members/{extension_number}", noun: "member")
        check.arguments = [id, ext]
        check.idKey = "extension_number"
        check.examples = ["pbxctl groups member-check group-1 1001 && echo member"]
        var add = Operation(["groups", "member-add"], "Add an extension to a group", .action, "POST", "/groups/{id}/members/{extension_number}", noun: "member")
        add.arguments = [id, ext]
        add.examples = ["pbxctl groups member-add group-1 1002"]
        var remove = Operation(["groups", "member-remove"], "Remove an extension from a group", .delete, "POST", "/groups/{id}/members/{extension_number}/destroy", noun: "member")
        remove.arguments = [id, ext]
        remove.confirm = true
        remove.examples = ["pbxctl groups member-remove group-1 1002 --yes"]
        return ops + [members, check, add, remove]
    }
}
