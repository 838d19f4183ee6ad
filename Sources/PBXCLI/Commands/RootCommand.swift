import PBXClient

/// The whole command tree: the single source of parsing, help, docs and completions.
public enum RootCommand {
    public static let version = "0.1.0"

    public static func build() -> Command {
        let root = Command("pbxctl", "Administer telephony backends from the command line",
                           details: "pbxctl administers telephony backends from the command line: the PortSIP PBX (users, roles, phones, meetings, contacts, CDRs…), Rocket.Chat VoIP registration, Vonage Contact Center callback numbers and CommPeak users.",
                           examples: ["pbxctl --sandbox users list", "pbxctl login -p prod", "pbxctl users get 1001 -o json"])
        root.add(group("users", "Manage extension users", PortSIPUsersCatalog.users))
        root.add(group("roles", "Manage roles", PortSIPUsersCatalog.roles))
        root.add(LoginCommands.login)
        root.add(LoginCommands.logout)
        root.add(ConfigCommands.group)
        root.add(APICommand.command)
        root.add(SandboxCommand.command)
        root.add(Command("version", "Print the version", examples: ["pbxctl version"], run: { invocation in
            invocation.io.out("pbxctl \(version)\n")
        }))
        root.add(Command("help", "Show help for a command", arguments: [Argument("COMMAND", "command words", optional: true, variadic: true)],
                         examples: ["pbxctl help users list"]))
        return root
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
                let child = Command(word, word.capitalized)
                node.add(child)
                node = child
            }
        }
        node.add(command)
    }
}
