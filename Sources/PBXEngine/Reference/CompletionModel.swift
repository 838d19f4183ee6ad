/// The facts every shell's completion needs, read off the command tree: which words
/// follow a path, which flags it takes, which of them take a value and which values.
struct CompletionModel {
    struct Node {
        let key: String
        let children: [(name: String, summary: String)]
        let flags: [Flag]
        let argumentValues: [String]
        let fileArgument: Bool
    }

    let nodes: [Node]
    let globalFlags: [Flag]

    init(root: Command) {
        globalFlags = root.globalFlags.filter { !$0.hidden }
        nodes = root.allCommands.filter { !$0.hidden }.map { command in
            let first = command.arguments.first
            var values: [String] = []
            if case .values(let list)? = first?.completion { values = list }
            return Node(
                key: (["pbxctl"] + command.path).joined(separator: " "),
                children: command.visibleChildren.map { ($0.name, $0.summary) },
                flags: command.flags.filter { !$0.hidden },
                argumentValues: values,
                fileArgument: command.arguments.contains { $0.completion == .files })
        }
    }

    static func spellings(_ flag: Flag) -> [String] {
        ["--" + flag.long] + (flag.short.map { ["-\($0)"] } ?? [])
    }

    static func values(_ flag: Flag) -> [String]? {
        if case .values(let list) = flag.completion { return list }
        return nil
    }

    /// Every spelling of every flag that takes a value, in any command.
    var valueFlagSpellings: [String] {
        var seen = Set<String>()
        return (globalFlags + nodes.flatMap(\.flags)).filter(\.takesValue).flatMap(Self.spellings).filter { seen.insert($0).inserted }
    }
}

extension String {
    /// Single-quoted for POSIX shells and fish.
    var shellQuoted: String { "'" + replacingOccurrences(of: "'", with: "'\\''") + "'" }
    var fishQuoted: String { "'" + replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }
}
