import Foundation
import PBXClient
import PBXEngine
import PBXJSON

#if canImport(Glibc)
    import Glibc
#endif

public enum PBXCLI {
    /// The process entry point: real streams, SIGINT handling, exit code.
    public static func main(_ argv: [String]) -> Int32 {
        disableCoreDumps()
        Interrupt.installHandler()
        let io = IOContext.process()
        let code = run(Array(argv.dropFirst()), io: io)
        io.stdout.flush()
        io.stderr.flush()
        return code
    }

    /// The process holds tokens and passwords; a core file would write them to disk
    /// for anyone who can read it (ssh-agent does the same).
    static func disableCoreDumps() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
    }

    public static func exitProcess(_ code: Int32) -> Never { exit(code) }

    /// Runs one command line against the given I/O; returns the exit code (docs/cli.md).
    /// `backends` decides the profile types and their commands (a test adds its own);
    /// `transport` makes what requests are sent with (libcurl; a test passes an in-process
    /// sandbox or a stub); `clock` is where token lifetimes, backoff and `--max-time` are counted.
    public static func run(_ arguments: [String], io: IOContext, backends: BackendRegistry = .standard,
                           transport: @escaping TransportFactory = CurlTransport.factory, clock: Clock = SystemClock()) -> Int32 {
        let root = RootCommand.build(backends: backends)
        let line: ParsedCommandLine
        var mistake: UsageError?
        do {
            line = try CommandLineParser(root: root).parse(arguments)
        } catch {
            line = error.partial
            mistake = error.usage
        }
        let app = App(io: io, root: root, line: line, backends: backends, transport: transport, clock: clock)
        let jsonErrors = app.globals.jsonErrors
        do {
            if let mistake { throw APIError(mistake) }
            if line.helpRequested || line.command.name == "help" && line.command.parent === root {
                let target = line.command.name == "help" ? try helpTarget(line.positionals, root: root) : line.command
                io.out(HelpRenderer.render(target))
                return try finished(io)
            }
            if app.globals.version {
                io.out("pbxctl \(RootCommand.version)\n")
                return try finished(io)
            }
            guard let run = line.command.run else {
                io.out(HelpRenderer.render(line.command))
                return try finished(io)
            }
            try app.globals.validate()
            if let profiles = app.globals.profile, FleetRun.isSeveral(profiles) {
                let code = try FleetRun.run(arguments, line: line, app: app)
                return try finished(io, code: code)
            }
            if app.globals.sandbox, line.command.name != "sandbox" {
                do { try app.startSandbox() } catch { throw APIError.local("cannot start the sandbox: \(error)") }
            }
            defer { app.sandbox?.stop() }
            do {
                try run(Invocation(line: line, io: io, services: app))
            } catch let status as ExitStatus {
                return try finished(io, code: status.code)
            }
            return try finished(io)
        } catch let error as UsageError {
            return report(APIError(error), arguments: arguments, io: io, jsonErrors: jsonErrors)
        } catch let error as OutputWriteError {
            return report(APIError(error), arguments: arguments, io: io, jsonErrors: jsonErrors)
        } catch let error as APIError {
            return report(error, arguments: arguments, io: io, jsonErrors: jsonErrors)
        } catch {
            return report(APIError.local("\(error)"), arguments: arguments, io: io, jsonErrors: jsonErrors)
        }
    }

    /// An error on stderr (and as JSON when asked); the exit code it maps to.
    static func report(_ error: APIError, arguments: [String], io: IOContext, jsonErrors: Bool) -> Int32 {
        io.stdout.flush()
        if error.kind == .interrupted || Interrupt.process.isRequested {
            Interrupt.markReported()
            io.err("pbxctl: interrupted\n")
            return 130
        }
        io.err("pbxctl: error: \(error.text)\n")
        if jsonErrors { io.err(error.json.compactText + "\n") }
        if error.kind == .usage, RegistrationCheckCommand.wantsNagios(arguments) {
            // A monitoring system reads exit 2 as CRITICAL; a bad command line is UNKNOWN to it.
            // The message's first line says it; the rest is advice for a person at a terminal.
            let first = error.text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? error.text
            io.out("REGISTRATION UNKNOWN - \(RegistrationProbe.printable(first, limit: 200))\n")
            return 3
        }
        return error.exitCode
    }

    /// Output that could not be written (a full disk) is a failure, whatever printed it
    /// and whatever the command's own code.
    static func finished(_ io: IOContext, code: Int32 = 0) throws -> Int32 {
        io.stdout.flush()
        try io.stdout.checkOutputWritten()
        return Interrupt.process.isRequested ? 130 : code
    }

    static func helpTarget(_ words: [String], root: Command) throws -> Command {
        var node = root
        for word in words {
            guard let child = node.child(named: word) else {
                throw APIError.usage(lines: ["unknown command '\(word)' for '\(node.fullName)'"] + Suggest.hintLines(word, among: node.visibleChildren.map(\.name)))
            }
            node = child
        }
        return node
    }
}
