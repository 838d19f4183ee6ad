/// A command line the engine cannot accept: an unknown command or flag, a missing
/// argument, a value of the wrong kind or out of its range. Nothing has run yet; the
/// program maps it to its own error type (exit 2 in pbxctl).
public struct UsageError: Error, Sendable, Equatable {
    /// The message, one entry a line, as the engine laid it out.
    public let lines: [String]

    public init(_ message: String) { lines = [message] }
    public init(lines: [String]) { self.lines = lines }

    public var message: String { lines.joined(separator: "\n") }
}

/// A command line that could not be parsed whole, with what could be read of it:
/// the program still honours global flags such as `-o json` when it reports the error.
public struct CommandLineError: Error, Sendable {
    public let usage: UsageError
    /// Every flag value read before and after the offending token (its command may be
    /// the root when the words named none).
    public let partial: ParsedCommandLine
}

/// Output that could not be written (a full disk): a failure of the run, whatever printed it.
public struct OutputWriteError: Error, Sendable {
    public let reason: String
}
