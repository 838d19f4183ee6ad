/// A flag and the type its value is read as, with its default stated once: the same
/// value declares the flag in the command tree (help, docs, completions show the
/// default) and reads it back (`line[key]`), so a misspelt name cannot compile.
public struct FlagKey<Value: Sendable>: Sendable, DeclaresFlag {
    public let flag: Flag
    /// From the flag's values on the command line (nil when absent), already checked
    /// by the parser for kind and range.
    let read: @Sendable ([String]?) -> Value

    public init(flag: Flag, read: @escaping @Sendable ([String]?) -> Value) {
        self.flag = flag
        self.read = read
    }

    public var long: String { flag.long }

    /// The same flag, read the same way, described for one command in its own words.
    public func with(help: String) -> FlagKey {
        var flag = flag
        flag.help = help
        return FlagKey(flag: flag, read: read)
    }
}

extension FlagKey where Value == Bool {
    /// A switch: true when given (or `--name=true`).
    public static func bool(_ long: String, short: Character? = nil, hidden: Bool = false, help: String) -> FlagKey {
        FlagKey(flag: Flag(long, short: short, hidden: hidden, help: help)) { $0?.last == "true" }
    }
}

extension FlagKey where Value == String? {
    public static func string(_ long: String, short: Character? = nil, value: String? = nil, repeatable: Bool = false, hidden: Bool = false,
                              completion: CompletionHint? = nil, help: String) -> FlagKey
    {
        FlagKey(flag: Flag(long, short: short, .string, value: value, repeatable: repeatable, hidden: hidden, completion: completion, help: help)) { $0?.last }
    }

    public static func choice(_ long: String, short: Character? = nil, _ values: [String], value: String? = nil, hidden: Bool = false, help: String) -> FlagKey {
        FlagKey(flag: Flag(long, short: short, .choice(values), value: value, hidden: hidden, help: help)) { $0?.last }
    }
}

extension FlagKey where Value == String? {
    /// A number checked like `.number` and kept as JSON text for a body that must carry
    /// its digits unchanged (`-0.50` stays `-0.50`; `+007` is sent as `7`).
    public static func numberText(_ long: String, value: String? = nil, in range: ClosedRange<Double>? = nil, hidden: Bool = false, help: String) -> FlagKey {
        var flag = Flag(long, .number, value: value, hidden: hidden, help: help)
        flag.range = range
        return FlagKey(flag: flag) { $0?.last.flatMap(NumberText.json) }
    }
}

extension FlagKey where Value == String {
    public static func string(_ long: String, short: Character? = nil, value: String? = nil, default fallback: String, hidden: Bool = false,
                              completion: CompletionHint? = nil, help: String) -> FlagKey
    {
        FlagKey(flag: Flag(long, short: short, .string, value: value, default: fallback, hidden: hidden, completion: completion, help: help)) { $0?.last ?? fallback }
    }

    public static func choice(_ long: String, short: Character? = nil, _ values: [String], value: String? = nil, default fallback: String, hidden: Bool = false,
                              help: String) -> FlagKey
    {
        FlagKey(flag: Flag(long, short: short, .choice(values), value: value, default: fallback, hidden: hidden, help: help)) { $0?.last ?? fallback }
    }
}

extension FlagKey where Value == [String] {
    /// A repeatable flag: every value, in the order given.
    public static func strings(_ long: String, short: Character? = nil, value: String? = nil, hidden: Bool = false, completion: CompletionHint? = nil,
                               help: String) -> FlagKey
    {
        FlagKey(flag: Flag(long, short: short, .string, value: value, repeatable: true, hidden: hidden, completion: completion, help: help)) { $0 ?? [] }
    }
}

extension FlagKey where Value == Int {
    public static func int(_ long: String, short: Character? = nil, value: String? = nil, default fallback: Int, in range: ClosedRange<Int>,
                           hidden: Bool = false, help: String) -> FlagKey
    {
        var flag = Flag(long, short: short, .int, value: value, default: String(fallback), hidden: hidden, help: help)
        flag.range = Double(range.lowerBound)...Double(range.upperBound)
        return FlagKey(flag: flag) { $0?.last.flatMap(NumberText.integer) ?? fallback }
    }
}

extension FlagKey where Value == Int? {
    public static func int(_ long: String, short: Character? = nil, value: String? = nil, in range: ClosedRange<Int>? = nil, hidden: Bool = false,
                           help: String) -> FlagKey
    {
        var flag = Flag(long, short: short, .int, value: value, hidden: hidden, help: help)
        flag.range = range.map { Double($0.lowerBound)...Double($0.upperBound) }
        return FlagKey(flag: flag) { $0?.last.flatMap(NumberText.integer) }
    }
}

extension FlagKey where Value == Double {
    public static func number(_ long: String, short: Character? = nil, value: String? = nil, default fallback: Double, in range: ClosedRange<Double>,
                              hidden: Bool = false, help: String) -> FlagKey
    {
        var flag = Flag(long, short: short, .number, value: value, default: NumberText.text(fallback), hidden: hidden, help: help)
        flag.range = range
        return FlagKey(flag: flag) { $0?.last.flatMap(NumberText.decimal) ?? fallback }
    }
}

extension FlagKey where Value == Double? {
    public static func number(_ long: String, short: Character? = nil, value: String? = nil, in range: ClosedRange<Double>? = nil, hidden: Bool = false,
                              help: String) -> FlagKey
    {
        var flag = Flag(long, short: short, .number, value: value, hidden: hidden, help: help)
        flag.range = range
        return FlagKey(flag: flag) { $0?.last.flatMap(NumberText.decimal) }
    }
}

/// Keys of different value types in one list: a command's flags.
public protocol DeclaresFlag {
    var flag: Flag { get }
}

extension Flag {
    /// The flags that typed keys declare, in the order given.
    public static func of(_ keys: any DeclaresFlag...) -> [Flag] { keys.map(\.flag) }
}
