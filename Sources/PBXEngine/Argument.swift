public struct Argument: Sendable {
    public var name: String
    public var help: String
    public var optional: Bool
    public var variadic: Bool
    public var completion: CompletionHint

    public init(_ name: String, _ help: String, optional: Bool = false, variadic: Bool = false, completion: CompletionHint = .none) {
        self.name = name
        self.help = help
        self.optional = optional
        self.variadic = variadic
        self.completion = completion
    }
}
