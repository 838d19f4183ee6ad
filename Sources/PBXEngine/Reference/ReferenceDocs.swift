/// docs/commands.md and docs/pbxctl.1, generated from the command tree — the same
/// source as `--help` — so the three never disagree.
public enum ReferenceDocs {
    static func documented(_ root: Command) -> [Command] {
        root.allCommands.filter { !$0.hidden && $0.run != nil && $0 !== root && $0.name != "help" }
    }

    public static func commandsMarkdown(_ root: Command) -> String {
        var out = "# pbxctl command reference\n\n"
        out += "Generated from the command tree (`pbxctl __reference commands`), the same source as `pbxctl help`; a test keeps it in sync.\n\n"
        out += "```\n\(root.usageLine)\n```\n\n\(root.details ?? root.summary)\n\n"
        out += "## Global flags\n\nAccepted by every command, before or after the command words.\n\n" + flagTable(root.globalFlags.filter { !$0.hidden }) + "\n"
        out += "## Commands\n\n"
        for command in documented(root) { out += "- [`\(command.fullName)`](#\(anchor(command))): \(command.summary)\n" }
        for command in documented(root) {
            out += "\n## \(command.fullName)\n\n\(command.details ?? command.summary)\n\n```\n\(command.usageLine)\n```\n"
            if let backend = command.backend { out += "\nBackend: `\(backend.rawValue)`\n" }
            if !command.arguments.isEmpty {
                out += "\n| argument | description |\n|---|---|\n"
                for argument in command.arguments {
                    let name = argument.name + (argument.variadic ? "..." : "")
                    var help = argument.help + (argument.optional ? " (optional)" : "")
                    if case .values(let values) = argument.completion { help += "; one of " + values.map { "`\($0)`" }.joined(separator: ", ") }
                    out += "| `\(name)` | \(escape(help)) |\n"
                }
            }
            let flags = command.flags.filter { !$0.hidden }
            if !flags.isEmpty { out += "\n" + flagTable(flags) }
            if !command.secrets.isEmpty {
                out += "\n| secret | without a terminal |\n|---|---|\n"
                for secret in command.secrets { out += "| `\(secret.key)` | \(escape(secret.ways)) |\n" }
            }
            if !command.examples.isEmpty {
                out += "\nExamples:\n\n```sh\n" + command.examples.joined(separator: "\n") + "\n```\n"
            }
        }
        return out
    }

    static func anchor(_ command: Command) -> String {
        command.fullName.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : ($0 == " " || $0 == "-" ? "-" : "") }.joined()
    }

    static func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    static func flagTable(_ flags: [Flag]) -> String {
        var out = "| flag | default | description |\n|---|---|---|\n"
        for flag in flags {
            var help = flag.help + (flag.required ? " (required)" : "") + (flag.repeatable ? " (repeatable)" : "")
            if case .choice(let values) = flag.kind, values != ["true", "false"] { help += "; one of " + values.map { "`\($0)`" }.joined(separator: ", ") }
            out += "| `\(flag.signature.trimmingCharacters(in: .whitespaces))` | \(flag.defaultValue.map { "`\($0)`" } ?? "") | \(escape(help)) |\n"
        }
        return out
    }

    // MARK: man page

    static func roff(_ text: String) -> String {
        var out = ""
        for scalar in text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-").unicodeScalars {
            // groff reads its input as Latin-1: anything else is written as a named glyph.
            if scalar.isASCII { out.unicodeScalars.append(scalar) } else { out += "\\[u" + String(format: "%04X", scalar.value) + "]" }
        }
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }

    /// `environment`: every variable the program reads, with what it means.
    public static func manPage(_ root: Command, version: String, environment: [(String, String)]) -> String {
        var out = ".TH PBXCTL 1 \"\" \"pbxctl \(version)\" \"User Commands\"\n"
        out += ".SH NAME\npbxctl \\- \(roff(root.summary.lowercased()))\n"
        out += ".SH SYNOPSIS\n.B pbxctl\n[\\fIGLOBAL FLAGS\\fR] \\fIRESOURCE ACTION\\fR [\\fIARGS\\fR] [\\fIFLAGS\\fR]\n"
        out += ".SH DESCRIPTION\n\(roff(root.details ?? root.summary))\n"
        out += ".SH GLOBAL FLAGS\n"
        for flag in root.globalFlags where !flag.hidden { out += flagItem(flag) }
        out += ".SH COMMANDS\n"
        for command in documented(root) {
            out += ".SS \(roff(command.usageLine))\n\(roff(command.details ?? command.summary))\n"
            for argument in command.arguments {
                out += ".TP\n.I \(roff(argument.name + (argument.variadic ? "..." : "")))\n\(roff(argument.help + (argument.optional ? " (optional)" : "")))\n"
            }
            for flag in command.flags where !flag.hidden { out += flagItem(flag) }
            for secret in command.secrets { out += ".TP\n.I \(roff(secret.key))\n\(roff("secret: " + secret.ways))\n" }
            for example in command.examples { out += ".PP\n.nf\n.RS\n\(roff("$ " + example))\n.RE\n.fi\n" }
        }
        out += """
            .SH EXIT STATUS
            .TP
            .B 0
            success
            .TP
            .B 1
            the server refused or failed, or its answer was malformed
            .TP
            .B 2
            usage: bad command, flag, argument or input; nothing was sent
            .TP
            .B 3
            authentication or permission (401, 403)
            .TP
            .B 4
            not found (404)
            .TP
            .B 5
            no answer: connection, DNS, TLS or timeout
            .TP
            .B 6
            a bulk action finished with some items failed
            .TP
            .B 7
            registration check: not registered
            .TP
            .B 130
            interrupted
            .SH FILES
            .TP
            .I ~/.config/pbxctl/config
            profiles ($PBXCTL_CONFIG, else $XDG_CONFIG_HOME/pbxctl/config)
            .TP
            .I ~/.config/pbxctl/credentials
            tokens and secrets, mode 0600
            .SH ENVIRONMENT

            """
        for (name, meaning) in environment { out += ".TP\n.B \(roff(name))\n\(roff(meaning))\n" }
        out += ".SH SEE ALSO\n.BR curl (1)\n"
        return out
    }

    static func flagItem(_ flag: Flag) -> String {
        var head = "\\fB" + roff("--" + flag.long) + "\\fR"
        if let short = flag.short { head = "\\fB\\-\(short)\\fR, " + head }
        if flag.takesValue { head += " \\fI" + roff(flag.valueName) + "\\fR" }
        var help = flag.help
        if flag.required { help += " (required)" }
        if let value = flag.defaultValue { help += " (default \(value))" }
        return ".TP\n\(head)\n\(roff(help))\n"
    }
}
