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

    /// Flags made from data (the vendor document's body fields) are read by their definition.
    public func has(_ flag: Flag) -> Bool { values[flag.long] != nil }

    public func string(_ flag: Flag) -> String? { values[flag.long]?.last }

    public func strings(_ flag: Flag) -> [String] { values[flag.long] ?? [] }

    // MARK: by name, while commands move to typed keys

    public func has(_ flag: String) -> Bool { values[flag] != nil }
    public func string(_ flag: String) -> String? { values[flag]?.last }
    public func strings(_ flag: String) -> [String] { values[flag] ?? [] }
    public func bool(_ flag: String) -> Bool { values[flag]?.last == "true" }
    public func int(_ flag: String) -> Int? { string(flag).flatMap(NumberText.integer) }
    public func double(_ flag: String) -> Double? { string(flag).flatMap(NumberText.decimal) }
    public func int(_ flag: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(flag) else { return nil }
        guard let value = NumberText.integer(text), range.contains(value) else {
            throw UsageError("--\(flag) must be \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(40))'")
        }
        return value
    }
    public func double(_ flag: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = string(flag) else { return nil }
        guard let value = NumberText.decimal(text), range.contains(value) else {
            throw UsageError("--\(flag) must be \(NumberText.text(range.lowerBound)) to \(NumberText.text(range.upperBound)), not '\(text.prefix(40))'")
        }
        return value
    }

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
