/// The one parser every command goes through. Pass one finds the command from the
/// non-flag words (global flags may stand anywhere); pass two reads every flag
/// against that command's own flags and the global ones (the root's `globalFlags`).
/// A line with a mistake is still read to its end, so that the error can be reported
/// as its global flags ask (`-o json`); the first mistake is the one reported.
public struct CommandLineParser {
    public let root: Command

    public init(root: Command) { self.root = root }

    private var globals: [Flag] { root.globalFlags }

    /// The parsed line, or a `CommandLineError` carrying the first mistake and what
    /// could be read around it.
    public func parse(_ arguments: [String]) throws(CommandLineError) -> ParsedCommandLine {
        var firstError: UsageError?
        func note(_ error: UsageError) { if firstError == nil { firstError = error } }
        var node = root
        var helpWords: Bool = false
        var flagTokens: [(token: String, value: String?)] = []
        var positionals: [String] = []
        var index = 0
        var endOfFlags = false
        // A long flag no command below here has: it is reported as such, ahead of the
        // word after it, which would otherwise pass for an unknown command.
        var unknownLong: String?

        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if endOfFlags || token == "-" || !token.hasPrefix("-") || Self.isNegativeNumber(token) {
                if !endOfFlags, positionals.isEmpty, node === root, token == "help", !helpWords {
                    helpWords = true
                    continue
                }
                if positionals.isEmpty, !node.children.isEmpty {
                    if let child = node.child(named: token) {
                        node = child
                        continue
                    }
                    if node.run == nil {
                        if let unknownLong { note(unknownFlag(unknownLong, node: node, known: node.flags + globals + node.allCommands.flatMap(\.flags))) }
                        let candidates = node.visibleChildren.map(\.name)
                        note(UsageError(lines: ["unknown command '\(token)' for '\(node.fullName)'"] + Suggest.hintLines(token, among: candidates)
                            + ["", "Run '\(node.fullName) --help' for the list of commands."]))
                        continue
                    }
                }
                positionals.append(token)
                continue
            }
            if token == "--" {
                endOfFlags = true
                continue
            }
            // Keep the flag with its value, if it takes one, for pass two.
            if token.hasPrefix("--") {
                let body = token.dropFirst(2)
                if body.contains("=") {
                    flagTokens.append((token, nil))
                } else if let flag = lookupForArity(long: String(body), at: node), flag.takesValue, index < arguments.count {
                    flagTokens.append((token, arguments[index]))
                    index += 1
                } else {
                    if unknownLong == nil, lookupForArity(long: String(body), at: node) == nil { unknownLong = token }
                    flagTokens.append((token, nil))
                }
            } else {
                // In a bundle (`-qo json`) the first letter that takes a value takes the
                // rest of the word, or the next word when it is the last letter.
                let letters = Array(token.dropFirst())
                let valueLetter = letters.firstIndex { lookupForArity(short: $0, at: node)?.takesValue == true }
                if let valueLetter, valueLetter == letters.count - 1, index < arguments.count {
                    flagTokens.append((token, arguments[index]))
                    index += 1
                } else {
                    flagTokens.append((token, nil))
                }
            }
        }

        var values: [String: [String]] = [:]
        let known = node.flags + globals
        for (token, separateValue) in flagTokens {
            do { try read(token, separateValue, known: known, into: &values, node: node) } catch { note(error) }
        }
        let wantsHelp = helpWords || values["help"] != nil
        if firstError == nil, !wantsHelp, values["version"] == nil, node.run != nil {
            do { try checkArguments(positionals, for: node) } catch { note(error) }
        }
        let line = ParsedCommandLine(command: node, positionals: positionals, values: values, helpRequested: wantsHelp)
        if let firstError { throw CommandLineError(usage: firstError, partial: line) }
        return line
    }

    private func read(_ token: String, _ separateValue: String?, known: [Flag], into values: inout [String: [String]], node: Command) throws(UsageError) {
        if token.hasPrefix("--") {
            let body = String(token.dropFirst(2))
            let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let flag = known.first(where: { $0.long == name }) else {
                throw unknownFlag("--" + name, node: node, known: known)
            }
            let inline = parts.count > 1 ? String(parts[1]) : nil
            try record(flag, value: inline ?? separateValue, explicitInline: inline != nil, into: &values, node: node)
        } else {
            var letters = Array(token.dropFirst())[...]
            while let letter = letters.popFirst() {
                guard let flag = known.first(where: { $0.short == letter }) else {
                    throw unknownFlag("-\(letter)", node: node, known: known)
                }
                if flag.takesValue {
                    var rest = String(letters)
                    if rest.hasPrefix("=") { rest.removeFirst() }
                    try record(flag, value: rest.isEmpty ? separateValue : rest, explicitInline: !rest.isEmpty, into: &values, node: node)
                    break
                }
                try record(flag, value: nil, explicitInline: false, into: &values, node: node)
            }
        }
    }

    /// `-1` and `-2.5` are values (a participant's position, a balance), never flags:
    /// no flag is named with a digit.
    static func isNegativeNumber(_ token: String) -> Bool {
        let rest = token.utf8.dropFirst()
        guard token.utf8.first == UInt8(ascii: "-"), let first = rest.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) || first == UInt8(ascii: ".") else { return false }
        return NumberText.decimal(token) != nil
    }

    private func record(_ flag: Flag, value: String?, explicitInline: Bool, into values: inout [String: [String]], node: Command) throws(UsageError) {
        var text: String
        if flag.takesValue {
            guard let value else { throw UsageError("flag --\(flag.long) needs a value (\(flag.valueName))") }
            text = value
        } else {
            if explicitInline, let value {
                guard value == "true" || value == "false" else { throw UsageError("flag --\(flag.long) takes true or false, not '\(value)'") }
                text = value
            } else {
                text = "true"
            }
        }
        switch flag.kind {
        case .int:
            guard NumberText.integer(text) != nil else { throw UsageError("flag --\(flag.long) takes a whole number, not '\(text)'") }
        case .number:
            guard NumberText.decimal(text) != nil else { throw UsageError("flag --\(flag.long) takes a number, not '\(text)'") }
        case .choice(let allowed):
            guard allowed.contains(text) else {
                throw UsageError(lines: ["invalid value '\(text)' for --\(flag.long): choose from \(allowed.joined(separator: ", "))"] + Suggest.hintLines(text, among: allowed))
            }
        case .bool, .string:
            break
        }
        if let range = flag.range, let number = NumberText.decimal(text), !range.contains(number) {
            throw UsageError("--\(flag.long) must be \(NumberText.text(range.lowerBound)) to \(NumberText.text(range.upperBound)), not '\(text.prefix(40))'")
        }
        if flag.repeatable {
            values[flag.long, default: []].append(text)
        } else {
            values[flag.long] = [text]
        }
        _ = node
    }

    private func unknownFlag(_ written: String, node: Command, known: [Flag]) -> UsageError {
        let names = Array(Set(known.filter { !$0.hidden }.map { "--" + $0.long }))
        let near = Suggest.closest(written, among: names)
        let suggestion = near.isEmpty ? "" : "; did you mean " + near.joined(separator: " or ") + "?"
        return UsageError(lines: ["unknown flag \(written)\(suggestion)", "", "Run '\(node.fullName) --help' for its flags."])
    }

    /// Before the command is known, a flag's arity is looked up among the global
    /// flags and those of the command found so far and everything below it.
    private func lookupForArity(long: String, at node: Command) -> Flag? {
        globals.first { $0.long == long } ?? node.allCommands.lazy.flatMap(\.flags).first { $0.long == long }
    }

    private func lookupForArity(short: Character, at node: Command) -> Flag? {
        globals.first { $0.short == short } ?? node.allCommands.lazy.flatMap(\.flags).first { $0.short == short }
    }

    private func checkArguments(_ positionals: [String], for command: Command) throws(UsageError) {
        let required = command.arguments.filter { !$0.optional }.count
        let variadic = command.arguments.last?.variadic == true
        if positionals.count < required {
            let missing = command.arguments[positionals.count...].filter { !$0.optional }.map(\.name)
            throw UsageError(lines: ["missing argument\(missing.count > 1 ? "s" : "") \(missing.joined(separator: " ")) for '\(command.fullName)'", "", "Usage: \(command.usageLine)"])
        }
        if !variadic, positionals.count > command.arguments.count {
            let extra = positionals[command.arguments.count]
            throw UsageError(lines: ["unexpected argument '\(extra)' for '\(command.fullName)'", "", "Usage: \(command.usageLine)"])
        }
    }
}
