/// What a command's run closure receives: the parsed line, the streams, and the
/// program's per-run services. The engine does not know their type; the program
/// reads them back through its own accessor.
public final class Invocation {
    public let line: ParsedCommandLine
    public let io: IOContext
    public let services: AnyObject

    public init(line: ParsedCommandLine, io: IOContext, services: AnyObject) {
        self.line = line
        self.io = io
        self.services = services
    }

    public var command: Command { line.command }

    public func require(_ argument: String) throws -> String {
        guard let value = line.argument(argument) else { throw UsageError("missing argument \(argument)") }
        return value
    }
}
