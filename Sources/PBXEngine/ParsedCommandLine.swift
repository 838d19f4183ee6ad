/// A parsed command line: the command it names, its positional arguments and the
/// values of every flag (global and local), by long name.
public struct ParsedCommandLine: Sendable {
    public let command: Command
    public let positionals: [String]
    public let values: [String: [String]]
    public let helpRequested: Bool

    public init(command: Command, positionals: [String], values: [String: [String]], helpRequested: Bool) {
        self.command = command
        self.positionals = positionals
        self.values = values
        self.helpRequested = helpRequested
    }

    /// A flag's value, typed and with its default.
    public subscript<Value>(key: FlagKey<Value>) -> Value { key.read(values[key.flag.long]) }

    /// Whether the flag was given at all (a default does not count).
    public func has<Value>(_ key: FlagKey<Value>) -> Bool { values[key.flag.long] != nil }

    /// For flags made from data (the vendor document's body fields), whose names are
    /// data too: the value last given, as typed.
    public func value(named long: String) -> String? { values[long]?.last }

    /// The positional argument named in the command's definition.
    public func argument(_ name: String) -> String? {
        guard let index = command.arguments.firstIndex(where: { $0.name == name }), index < positionals.count else { return nil }
        return positionals[index]
    }

    /// The values of a trailing variadic argument.
    public func variadic(_ name: String) -> [String] {
        guard let index = command.arguments.firstIndex(where: { $0.name == name }), index < positionals.count else { return [] }
        return Array(positionals[index...])
    }
}
