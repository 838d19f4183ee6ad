/// Help text, generated from the command tree like the docs and completions.
public enum HelpRenderer {
    public static func render(_ command: Command) -> String {
        var out = ""
        out += (command.details ?? command.summary) + "\n\n"
        out += "Usage:\n  \(command.usageLine)\n"
        if !command.visibleChildren.isEmpty {
            out += "\nCommands:\n"
            let width = command.visibleChildren.map(\.name.count).max() ?? 0
            for child in command.visibleChildren {
                out += "  " + pad(child.name, width) + "  " + child.summary + "\n"
            }
        }
        if !command.arguments.isEmpty && (command.run != nil || command.children.isEmpty) {
            out += "\nArguments:\n"
            let width = command.arguments.map(\.name.count).max() ?? 0
            for argument in command.arguments {
                out += "  " + pad(argument.name, width) + "  " + argument.help + (argument.optional ? " (optional)" : "") + "\n"
            }
        }
        let local = command.flags.filter { !$0.hidden }
        if !local.isEmpty {
            out += "\nFlags:\n" + flagTable(local)
        }
        if !command.secrets.isEmpty {
            out += "\nSecrets (a no-echo prompt asks on a terminal; without one, pass each so):\n"
            let width = command.secrets.map(\.key.count).max() ?? 0
            for secret in command.secrets { out += "  " + pad(secret.key, width) + "  " + secret.ways + "\n" }
        }
        out += "\nGlobal flags:\n" + flagTable(command.root.globalFlags.filter { !$0.hidden })
        let examples = command.examples.isEmpty && !command.visibleChildren.isEmpty
            ? command.visibleChildren.compactMap(\.examples.first).prefix(3).map { $0 } : command.examples
        if !examples.isEmpty {
            out += "\nExamples:\n"
            for example in examples { out += "  $ \(example)\n" }
        }
        if !command.visibleChildren.isEmpty {
            out += "\nRun '\(command.fullName) <command> --help' for more about a command.\n"
        }
        return out
    }

    static func flagTable(_ flags: [Flag]) -> String {
        let width = min(flags.map(\.signature.count).max() ?? 0, 32)
        return flags.map { flag in
            var line = "  " + pad(flag.signature, width) + "  " + flag.help
            if flag.required { line += " (required)" }
            if let value = flag.defaultValue { line += " (default \(value))" }
            if flag.repeatable { line += " (repeatable)" }
            return line + "\n"
        }.joined()
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
