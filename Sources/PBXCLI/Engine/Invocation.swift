import PBXClient

/// A parsed command line: the command it names, its positional arguments and the
/// values of every flag (global and local), by long name.
public struct ParsedCommandLine {
    public let command: Command
    public let positionals: [String]
    public let values: [String: [String]]
    public let helpRequested: Bool

    public func has(_ flag: String) -> Bool { values[flag] != nil }

    public func string(_ flag: String) -> String? { values[flag]?.last }

    public func strings(_ flag: String) -> [String] { values[flag] ?? [] }

    public func bool(_ flag: String) -> Bool { values[flag]?.last == "true" }

    public func int(_ flag: String) -> Int? { string(flag).flatMap(NumberRanges.integer) }

    public func double(_ flag: String) -> Double? { string(flag).flatMap(NumberRanges.decimal) }

    /// A whole-number flag within its documented range; outside it, a usage error.
    public func int(_ flag: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(flag) else { return nil }
        guard let value = NumberRanges.integer(text), range.contains(value) else {
            throw APIError.usage("--\(flag) must be \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(40))'")
        }
        return value
    }

    /// A number flag within its documented range; outside it (or NaN), a usage error.
    public func double(_ flag: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = string(flag) else { return nil }
        guard let value = NumberRanges.decimal(text), range.contains(value) else {
            throw APIError.usage("--\(flag) must be \(NumberRanges.text(range.lowerBound)) to \(NumberRanges.text(range.upperBound)), not '\(text.prefix(40))'")
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

/// What a command's run closure receives.
public final class Invocation {
    public let line: ParsedCommandLine
    public let io: IOContext
    public let app: App

    init(line: ParsedCommandLine, io: IOContext, app: App) {
        self.line = line
        self.io = io
        self.app = app
    }

    public var command: Command { line.command }

    public func require(_ argument: String) throws -> String {
        guard let value = line.argument(argument) else { throw APIError.usage("missing argument \(argument)") }
        return value
    }
}

extension Invocation {
    /// The gate before a command deletes or replaces something: `--yes` (or a dry run)
    /// passes; on a terminal the user is asked; otherwise it refuses with exit 2.
    public func confirm(_ question: String) throws {
        if line.bool("yes") || app.clientSettings.dryRun { return }
        guard io.stdinIsTTY else {
            throw APIError.usage("\(question.replacingOccurrences(of: "?", with: "")): refusing without --yes when not on a terminal")
        }
        guard io.confirm(question) else { throw APIError.usage("cancelled; nothing was changed") }
    }
}
