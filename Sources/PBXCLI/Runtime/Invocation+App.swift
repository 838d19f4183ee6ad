import PBXClient
import PBXEngine

extension Invocation {
    /// The run's factory: PBXCLI builds every invocation with its App.
    public var app: App {
        guard let app = services as? App else { preconditionFailure("an invocation outside PBXCLI.run") }
        return app
    }

    /// The gate before a command deletes or replaces something: `--yes` (or a dry run)
    /// passes; on a terminal the user is asked; otherwise it refuses with exit 2.
    public func confirm(_ question: String) throws {
        if line[CommonFlags.yes] || app.clientSettings.dryRun { return }
        guard io.stdinIsTTY else {
            throw APIError.usage("\(question.replacingOccurrences(of: "?", with: "")): refusing without --yes when not on a terminal")
        }
        guard io.confirm(question) else { throw APIError.usage("cancelled; nothing was changed") }
    }
}

extension IOContext {
    /// A secret given with `--password-stdin`: standard input without its trailing line end.
    public func secretFromStdin() throws -> String {
        var text = String(decoding: stdinBytes(), as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else { throw APIError.usage("--password-stdin: standard input was empty") }
        return text
    }
}

extension TextSink {
    /// Throws once a write has failed, as pbxctl's error: a command stops instead of
    /// fetching more for output that cannot be written.
    func checkOutputWritten() throws {
        do { try checkWritten() } catch let error as OutputWriteError { throw APIError(error) }
    }
}

extension APIError {
    /// The engine's usage errors are pbxctl's exit 2, laid out as the engine wrote them.
    public init(_ usage: UsageError) {
        self = usage.lines.count == 1 ? .usage(usage.lines[0]) : .usage(lines: usage.lines)
    }

    public init(_ write: OutputWriteError) {
        self.init(kind: .local, code: "WRITE_FAILED", message: "writing the output failed: \(write.reason)")
    }
}
