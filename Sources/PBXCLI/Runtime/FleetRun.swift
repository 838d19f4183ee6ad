import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

#if canImport(Glibc)
    import Glibc
#endif

/// `-p a,b` and `-p 'site-*'`: one command against several profiles at once. Each
/// profile runs the same command line in this process, a few at a time, its output
/// captured as JSON Lines; the records are then printed together in the chosen format
/// with a `profile` field first, in profile order, and stderr lines are prefixed with
/// the profile. The exit code is the worst outcome (see `worst`).
enum FleetRun {
    static let concurrency = 4

    /// Whether a `--profile` value names several profiles.
    static func isSeveral(_ value: String) -> Bool {
        value.contains(",") || value.contains(where: { "*?[".contains($0) })
    }

    /// Commands that make no sense several times at once.
    static let single: Set<[String]> = [["login"], ["logout"], ["sandbox"], ["completion"], ["version"], ["help"], ["__reference"],
                                        ["registration", "watch"], ["recordings", "download"], ["users", "import"]]

    /// Commands that only read (or check); anything else changes things and needs --yes.
    static func readsOnly(_ line: ParsedCommandLine) -> Bool {
        let words = line.command.path
        if words == ["api"] {
            let hasBody = line.has(APICommand.data) || line.has(APICommand.field) || line.has(APICommand.rawField)
            return (line[APICommand.method] ?? (hasBody ? "POST" : "GET")) == "GET"
        }
        if line.has(PortSIPUsersCatalog.newBalance) || line.has(PortSIPPersonalCatalog.agentStatus) { return false }
        let handWritten: Set<[String]> = [["registration", "check"], ["registration", "get"], ["cdrs", "list"], ["cdrs", "sync"], ["contacts", "sync"],
                                          ["callback-numbers", "list"], ["users", "diff"]]
        if handWritten.contains(words) { return true }
        return PortSIPCatalog.all.contains { $0.words == words && $0.method == "GET" }
    }

    /// The table columns a command prints, so the merged table keeps them after `profile`.
    static func columns(_ words: [String]) -> [String] {
        switch words {
        case ["cdrs", "list"]: return CDRListCommand.columns
        case ["registration", "status"]: return PortSIPRegistrationCatalog.columns
        case ["registration", "get"]: return RocketChatCommands.tableFields
        default: return PortSIPCatalog.all.first { $0.words == words }?.columns ?? []
        }
    }

    /// The backend types a command can run on, for picking the profiles a glob means;
    /// nil (any type) for a command that names none (`api`).
    static func types(_ command: Command) -> Set<BackendType>? {
        command.backend.map { Set([$0] + command.otherBackends) }
    }

    /// The profiles a `-p` value names, in order: names as given, globs (fnmatch) as the
    /// sorted configured names of a type the command runs on.
    static func expand(_ value: String, app: App, command: Command) throws -> [String] {
        let store = try app.store()
        let known = store.profileNames
        let wanted = types(command)
        var names: [String] = []
        for part in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            if part.contains(where: { "*?[".contains($0) }) {
                for name in known.sorted() where fnmatch(part, name, 0) == 0 {
                    if let wanted, let type = try store.profile(named: name)?.type, !wanted.contains(type) { continue }
                    names.append(name)
                }
            } else {
                guard known.contains(part) else {
                    throw APIError.usage(lines: ["no profile named '\(part)' in \(store.configPath)"] + Suggest.hintLines(part, among: known))
                }
                // As with one --profile, a name of the wrong type is a mistake, found before anything is sent.
                if let wanted, let type = try store.profile(named: part)?.type, !wanted.contains(type), let primary = command.backend {
                    throw App.wrongType(part, is: type, for: command, needs: [primary] + command.otherBackends)
                }
                names.append(part)
            }
        }
        var seen = Set<String>()
        names = names.filter { seen.insert($0).inserted }
        guard !names.isEmpty else { throw APIError.usage("no configured profile matches '\(value)' for '\(command.fullName)'") }
        return names
    }

    /// The command line with `--profile NAME` and, unless the output is IDs or a status
    /// line, `-o jsonl` without `--fields` (applied to the merged records instead).
    static func rewrite(_ arguments: [String], profile: String, structured: Bool) -> [String] {
        var kept: [String] = []
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" {
                rest = Array(arguments[index...])
                break
            }
            var dropped = ["--profile", "-p"]
            if structured { dropped += ["--output", "-o", "--fields"] }
            if dropped.contains(token) {
                index += 2
                continue
            }
            if dropped.contains(where: { $0.hasPrefix("--") && token.hasPrefix($0 + "=") })
                || token.hasPrefix("-p") && token.count > 2 && !token.hasPrefix("--")
                || structured && token.hasPrefix("-o") && token.count > 2 && !token.hasPrefix("--")
            {
                index += 1
                continue
            }
            kept.append(token)
            index += 1
        }
        return kept + ["--profile", profile] + (structured ? ["-o", "jsonl"] : []) + rest
    }

    struct Outcome {
        var code: Int32 = 0
        var stdout = ""
        var stderr = ""
    }

    static func run(_ arguments: [String], line: ParsedCommandLine, app: App) throws -> Int32 {
        let io = app.io
        let command = line.command
        if single.contains(command.path) || command.path.first == "config" {
            throw APIError.usage("'\(command.fullName)' takes one profile, not '\(app.globals.profile ?? "")'")
        }
        if app.globals.sandbox { throw APIError.usage("--sandbox serves one profile of each type; several profiles need configured ones") }
        let names = try expand(app.globals.profile ?? "", app: app, command: command)
        if !readsOnly(line), !line[CommonFlags.yes], !app.clientSettings.dryRun, names.count > 1 {
            throw APIError.usage("'\(command.fullName)' changes things; running it on \(names.count) profiles (\(names.joined(separator: ", "))) needs --yes")
        }
        let nagios = line[RegistrationCheckCommand.nagios]
        // A check says its result in its exit code and on stderr, not in records.
        let dryRun = app.clientSettings.dryRun
        // A plan in text is lines for people, kept as they are under a heading per profile.
        let plan = command.path == ["users", "diff"] && app.output.format == .table
        // A check in text says its verdicts on stderr; asked for records, it prints each status.
        let check = command.path == ["registration", "check"] && app.output.format == .table
        let structured = !nagios && !app.output.quiet && !dryRun && !plan && !check
        // libcurl is loaded once, before the profiles run side by side.
        _ = try app.transport()
        let stdin = SharedInput(io)
        // What each profile's run ended with, filled in by the threads that ran them.
        let results = LockedSlots(Array(repeating: Outcome(), count: names.count))
        // Every profile runs, Ctrl-C or not: each run reports its own interruption.
        let (backends, makeTransport, clock) = (app.backends, app.makeTransport, app.clock)
        WorkerPool.forEach(names.count, workers: concurrency, stop: { false }) { index in
            let name = names[index]
            let out = StringSink(), err = StringSink()
            var environment = io.environment
            environment["PBXCTL_OUTPUT"] = nil
            let captured = IOContext(stdout: out, stderr: err, environment: environment, terminalWidth: io.terminalWidth,
                                     readStdin: { stdin.bytes() })
            let code = PBXCLI.run(rewrite(arguments, profile: name, structured: structured), io: captured, backends: backends,
                                  transport: makeTransport, clock: clock)
            results.set(index, Outcome(code: code, stdout: out.text, stderr: err.text))
        }
        let outcomes = results.all
        let jsonErrors = app.globals.jsonErrors
        for (name, outcome) in zip(names, outcomes) {
            for errorLine in outcome.stderr.split(separator: "\n", omittingEmptySubsequences: true) {
                // The captured run wrote JSON output, so it wrote JSON errors too: they
                // stay JSON (naming the profile) only when the user asked for them.
                if errorLine.hasPrefix("{\"error\":"), var error = (try? JSONParser.parse(Array(errorLine.utf8)))?["error"]?.objectValue {
                    if jsonErrors {
                        error["profile"] = .string(name)
                        io.err(JSON.object(JSONObject([("error", .object(error))])).compactText + "\n")
                    }
                    continue
                }
                io.err("\(name): \(errorLine)\n")
            }
        }
        if nagios { return nagiosSummary(names, outcomes, io: io) }
        if structured {
            try render(names, outcomes, line: line, app: app)
        } else {
            for (name, outcome) in zip(names, outcomes) {
                // Each profile's curl lines under a shell comment naming it.
                if dryRun || plan { io.out("# \(name)\n") }
                io.out(outcome.stdout)
            }
        }
        return worst(outcomes.map(\.code))
    }

    /// 7 (not registered) and 8 (differences) are answers, not failures: a profile that
    /// gave one succeeded, and the code of the worst answer wins when none failed.
    static func worst(_ codes: [Int32]) -> Int32 {
        if codes.contains(130) { return 130 }
        let answers: Set<Int32> = [0, 7, 8]
        let failed = codes.filter { !answers.contains($0) }
        if failed.isEmpty { return codes.max() ?? 0 }
        if failed.count < codes.count { return 6 }
        return failed.max()!
    }

    /// Every profile's records, `profile` first, printed as one list.
    static func render(_ names: [String], _ outcomes: [Outcome], line: ParsedCommandLine, app: App) throws {
        var options = app.output
        if let fields = options.fields, !fields.contains("profile") { options.fields = ["profile"] + fields }
        let base = columns(line.command.path)
        let renderer = Renderer(options: options, sink: app.io.stdout, defaultColumns: base.isEmpty ? [] : ["profile"] + base)
        for (name, outcome) in zip(names, outcomes) {
            renderer.emit(records(outcome.stdout).map { record in
                var object = JSONObject([("profile", .string(name))])
                if let fields = record.objectValue {
                    for (key, value) in fields where key != "profile" { object[key] = value }
                } else {
                    object["value"] = record
                }
                return .object(object)
            })
        }
        renderer.finishList()
    }

    /// JSON Lines, or one JSON document (an array is its items).
    static func records(_ text: String) -> [JSON] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        if let parsed = try? lines.map({ try JSONParser.parse(Array($0.utf8)) }) { return parsed }
        guard let whole = try? JSONParser.parse(Array(text.utf8)) else {
            return lines.map { .string(String($0)) }
        }
        return whole.arrayValue ?? [whole]
    }

    /// One status line for all profiles: CRITICAL if any is, else UNKNOWN if any is,
    /// else OK; each profile's own text after its name, performance data per profile.
    static func nagiosSummary(_ names: [String], _ outcomes: [Outcome], io: IOContext) -> Int32 {
        var texts: [String] = []
        var perfdata: [String] = []
        for (name, outcome) in zip(names, outcomes) {
            var text = outcome.stdout.split(separator: "\n").first.map(String.init) ?? "REGISTRATION UNKNOWN - no status"
            var perf = ""
            if let bar = text.range(of: " | ") {
                perf = String(text[bar.upperBound...])
                text = String(text[..<bar.lowerBound])
            }
            if let dash = text.range(of: " - ") { text = String(text[dash.upperBound...]) }
            texts.append("\(name): \(text)")
            let label = String(name.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
            for item in perf.split(separator: " ") where item.hasPrefix("registrations=") {
                perfdata.append("'\(label) registrations'=" + item.dropFirst("registrations=".count))
            }
        }
        let codes = outcomes.map(\.code)
        let code: Int32 = codes.contains(130) ? 130 : codes.contains(2) ? 2 : codes.contains(where: { $0 != 0 }) ? 3 : 0
        let status = code == 0 ? "OK" : code == 2 ? "CRITICAL" : "UNKNOWN"
        io.out("REGISTRATION \(status) - " + texts.joined(separator: "; ") + (perfdata.isEmpty ? "" : " | " + perfdata.joined(separator: " ")) + "\n")
        return code
    }

    /// Standard input, read once however many profiles ask for it.
    /// Sendable by `lock`, which guards the bytes read.
    final class SharedInput: @unchecked Sendable {
        private let lock = NSLock()
        private let io: IOContext
        private var cached: [UInt8]?

        init(_ io: IOContext) { self.io = io }

        func bytes() -> [UInt8] {
            lock.lock()
            defer { lock.unlock() }
            if let cached { return cached }
            let read = io.stdinBytes()
            cached = read
            return read
        }
    }
}
