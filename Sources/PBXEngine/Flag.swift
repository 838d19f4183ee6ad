/// What kind of value a flag takes; the parser checks it before any command runs.
public enum ValueKind: Sendable, Equatable {
    case bool
    case string
    case int
    case number
    case choice([String])
}

/// What a shell may offer when completing a flag's value or an argument.
public enum CompletionHint: Sendable, Equatable {
    case none
    case files
    case profiles
    case values([String])
}

public struct Flag: Sendable {
    public var long: String
    public var short: Character?
    public var kind: ValueKind
    public var valueName: String
    public var help: String
    public var defaultValue: String?
    public var repeatable: Bool
    public var hidden: Bool
    public var completion: CompletionHint
    /// Marked in help and docs: the request cannot be made without it.
    public var required = false
    /// For `.int` and `.number` flags: the documented range; the parser refuses a value outside it.
    public var range: ClosedRange<Double>?

    public init(_ long: String, short: Character? = nil, _ kind: ValueKind = .bool, value valueName: String? = nil, default defaultValue: String? = nil,
                repeatable: Bool = false, hidden: Bool = false, completion: CompletionHint? = nil, help: String)
    {
        self.long = long
        self.short = short
        self.kind = kind
        self.valueName = valueName ?? (kind == .int || kind == .number ? "N" : String(long.uppercased().map { $0 == "-" ? "_" : $0 }))
        self.help = help
        self.defaultValue = defaultValue
        self.repeatable = repeatable
        self.hidden = hidden
        if let completion {
            self.completion = completion
        } else if case .choice(let values) = kind {
            self.completion = .values(values)
        } else {
            self.completion = .none
        }
    }

    public var takesValue: Bool { kind != .bool }

    /// `-o, --output FMT`
    public var signature: String {
        let shortPart = short.map { "-\($0), " } ?? "    "
        return shortPart + "--" + long + (takesValue ? " " + valueName : "")
    }
}
