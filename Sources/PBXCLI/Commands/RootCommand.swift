import PBXClient
import PBXEngine

/// The whole command tree: the single source of parsing, help, docs and completions.
public enum RootCommand {
    public static let version = "0.1.0"

    public static func build(backends: BackendRegistry = .standard) -> Command {
        let root = Command("pbxctl", "Administer telephony backends from the command line",
                           details: "pbxctl administers telephony backends from the command line: the PortSIP PBX (users, roles, phones, meetings, contacts, CDRs…), Rocket.Chat VoIP registration, Vonage Contact Center callback numbers and CommPeak users.",
                           examples: ["pbxctl --sandbox users list", "pbxctl login -p prod", "pbxctl users get 1001 -o json"])
        root.globalFlags = GlobalFlags.all
        for backend in backends.backends { backend.install(in: root) }
        root.add(LoginCommands.login)
        root.add(LoginCommands.logout)
        root.add(ConfigCommands.group(backends))
        root.add(APICommand.command)
        root.add(SandboxCommand.command)
        root.add(Command("version", "Print the version (with -v, also the libcurl in use)", examples: ["pbxctl version", "pbxctl version -v"], run: { invocation in
            invocation.io.out("pbxctl \(version)\n")
            if invocation.app.globals.verbose {
                let curl = CurlTransport.libraryVersion
                invocation.io.out(curl.isEmpty ? "libcurl: not found (install libcurl4)\n" : "\(curl)\n")
            }
        }))
        root.add(Command("completion", "Print a shell completion script",
                         details: "Print a completion script for bash, zsh or fish, generated from the command tree. Load it with `source <(pbxctl completion bash)` (bash, zsh), or save it as ~/.config/fish/completions/pbxctl.fish. Profile names complete from `pbxctl config list -q`.",
                         arguments: [Argument("SHELL", "bash, zsh or fish", completion: .values(["bash", "zsh", "fish"]))],
                         examples: ["source <(pbxctl completion bash)", "pbxctl completion fish > ~/.config/fish/completions/pbxctl.fish"],
                         run: { invocation in
            let shell = try invocation.require("SHELL")
            guard ["bash", "zsh", "fish"].contains(shell) else { throw APIError.usage(lines: ["no completion for '\(shell)': choose bash, zsh or fish"] + Suggest.hintLines(shell, among: ["bash", "zsh", "fish"])) }
            invocation.io.out(Completions.script(shell, root: invocation.command.root))
        }))
        root.add(Command("__reference", "Print generated reference documents", arguments: [Argument("DOC", "operations, commands or man")],
                         hidden: true, run: { invocation in
            switch try invocation.require("DOC") {
            case "operations": invocation.io.out(PortSIPCatalog.markdown)
            case "commands": invocation.io.out(ReferenceDocs.commandsMarkdown(invocation.command.root))
            case "man": invocation.io.out(manPage(invocation.command.root))
            default: throw APIError.usage("unknown document; choose operations, commands or man")
            }
        }))
        root.add(Command("help", "Show help for a command", arguments: [Argument("COMMAND", "command words", optional: true, variadic: true)],
                         examples: ["pbxctl help users list"]))
        return root
    }

    /// docs/pbxctl.1: the tree's commands and flags with pbxctl's version and variables.
    static func manPage(_ root: Command) -> String {
        ReferenceDocs.manPage(root, version: version, environment: EnvironmentVariables.documented)
    }

    /// The PortSIP catalog's groups and the hand-written PortSIP commands beside them.
    static func addPortSIPGroups(to root: Command) {
        root.add(group("users", "Manage extension users", PortSIPUsersCatalog.users, extra: [ImportCommand.command, UsersReconcileCommands.diff, UsersReconcileCommands.apply]))
        root.add(group("roles", "Manage roles", PortSIPUsersCatalog.roles))
        root.add(group("me", "Your own user: profile, passwords, presence", PortSIPPersonalCatalog.me))
        root.add(group("groups", "Manage user groups and their members", PortSIPGroupsCatalog.groups))
        root.add(group("phones", "Manage IP phones (yours, or a user's with --user)", PortSIPPersonalCatalog.phones))
        root.add(group("meetings", "Manage meetings (conference rooms) and their participants", PortSIPMeetingsCatalog.meetings))
        root.add(group("contacts", "Manage contacts and sync them", PortSIPRecordsCatalog.contacts, extra: [SyncCommands.contacts]))
        let cdrs = group("cdrs", "Read call detail records", PortSIPRecordsCatalog.cdrs, extra: [SyncCommands.cdrs])
        CDRListCommand.install(in: cdrs)
        root.add(cdrs)
        root.add(group("recordings", "List, download and delete call recordings", PortSIPRecordsCatalog.recordings, extra: [DownloadCommand.command]))
        root.add(group("messages", "Read external messages (SMS/MMS, channels)", PortSIPRecordsCatalog.messages))
        root.add(group("holidays", "Manage holidays (yours, or a user's with --user)", PortSIPPersonalCatalog.holidays))
        root.add(group("speed-dials", "Manage speed dials (--kind 8 or 100)", PortSIPPersonalCatalog.speedDials))
        root.add(group("greetings", "Manage voicemail greetings", PortSIPPersonalCatalog.greetings))
        root.add(group("call-queues", "Call queues you (or --user) belong to, and agent status", PortSIPPersonalCatalog.callQueues))
        root.add(group("registration", "Is an agent's phone registered, and from what", PortSIPRegistrationCatalog.operations, extra: [RegistrationCheckCommand.command, RegistrationWatchCommand.command]))
    }

    /// A command group whose children come from catalog entries.
    static func group(_ name: String, _ summary: String, _ operations: [Operation], extra: [Command] = []) -> Command {
        let group = Command(name, summary)
        for operation in operations { add(OperationCommand.make(operation), at: Array(operation.words.dropFirst().dropLast()), to: group) }
        for command in extra { group.add(command) }
        return group
    }

    /// Places a command under nested groups (`meetings participants list`).
    static func add(_ command: Command, at words: [String], to group: Command) {
        var node = group
        for word in words {
            if let existing = node.child(named: word) {
                node = existing
            } else {
                let child = Command(word, "Manage \(node.name) \(word)")
                node.add(child)
                node = child
            }
        }
        node.add(command)
    }
}
