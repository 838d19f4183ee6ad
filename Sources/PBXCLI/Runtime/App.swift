import CCurl
import Foundation
import PBXClient
import PBXJSON
import PBXSandbox

/// Makes the transport a run sends its requests with, from the global flags; a test
/// hands requests to an in-process sandbox or a stub instead of libcurl.
public typealias TransportFactory = @Sendable (TransportOptions) throws -> Transport

/// The per-run factory (in the spirit of gh's): parsed flags, I/O, and everything
/// built lazily from them — config store, transport, sandbox, API clients.
public final class App {
    public let io: IOContext
    public let root: Command
    /// The backends this run knows; the tree in `root` was built from the same list.
    public let backends: BackendRegistry
    public internal(set) var line: ParsedCommandLine!
    private var cachedStore: ConfigStore?
    private var cachedTransport: Transport?
    private var cachedClients: [BackendType: APIClient] = [:]
    public internal(set) var sandbox: Sandbox?
    /// Token lifetimes, backoff and `--max-time` are counted on it.
    public let clock: Clock
    let makeTransport: TransportFactory
    /// Import workers reach `store()` and `transport()` through a token refresh.
    private let cacheLock = NSLock()

    init(io: IOContext, root: Command, backends: BackendRegistry = .standard, transport: @escaping TransportFactory = CurlTransport.factory, clock: Clock = SystemClock()) {
        self.io = io
        self.clock = clock
        makeTransport = transport
        started = clock.now
        self.root = root
        self.backends = backends
    }

    var environment: [String: String] { io.environment }

    public func store() throws -> ConfigStore {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cachedStore { return cachedStore }
        let store = try ConfigStore(path: ConfigStore.defaultPath(environment: environment), backends: backends, warn: { [io] in io.err($0) })
        // `config path` is how a user finds the files to fix.
        if !(line.command.name == "path" && line.command.parent?.name == "config") { try store.checkTrusted() }
        cachedStore = store
        return store
    }

    public var output: OutputOptions {
        var options = OutputOptions()
        let format = line.string("output") ?? environment["PBXCTL_OUTPUT"].flatMap { $0.isEmpty ? nil : $0 } ?? "table"
        options.format = OutputFormat(rawValue: format) ?? .table
        if let fields = line.string("fields") {
            options.fields = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        options.noHeaders = line.bool("no-headers")
        options.quiet = line.bool("quiet")
        options.isTTY = io.stdoutIsTTY
        options.width = io.terminalWidth
        options.color = colour
        return options
    }

    /// NO_COLOR counts only when non-empty (no-color.org); a dumb terminal gets none.
    var colour: Bool {
        if line.bool("no-color") { return false }
        switch line.string("color") ?? "auto" {
        case "always": return true
        case "never": return false
        default: return io.stdoutIsTTY && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
    }

    func validateEnvironmentOutput() throws {
        if line.string("output") == nil, let value = environment["PBXCTL_OUTPUT"], !value.isEmpty, OutputFormat(rawValue: value) == nil {
            throw APIError.usage("PBXCTL_OUTPUT='\(value)' is not a format: choose from \(GlobalFlags.outputFormats.joined(separator: ", "))")
        }
    }

    /// The one memory knob: the largest answer held in memory, the longest list
    /// streamed item by item, and (a sixteenth of it) the largest single item.
    var maxBodyBytes: Int {
        let megabytes = (try? NumberRanges.environment("PBXCTL_MAX_BODY_MB", environment, in: 1...Double(NumberRanges.maxBodyMB.upperBound))).flatMap { $0 }
        return Int(megabytes ?? 512) << 20
    }

    /// `--max-time`: when the whole command must be done, counted from its start.
    lazy var deadline: Date? = (try? line.double("max-time", in: NumberRanges.maxTime)).flatMap { $0 }.map { started.addingTimeInterval($0) }
    let started: Date

    /// Global numbers and environment knobs, checked before any command runs: out of
    /// range is a usage error and nothing is sent.
    func validateNumbers() throws {
        _ = try line.double("timeout", in: NumberRanges.timeout)
        _ = try line.int("retries", in: NumberRanges.retries)
        _ = try line.double("max-time", in: NumberRanges.maxTime)
        _ = try NumberRanges.environment("PBXCTL_BACKOFF_BASE_MS", environment, in: NumberRanges.backoffBaseMS)
        _ = try NumberRanges.environment("PBXCTL_MAX_BODY_MB", environment, in: Double(NumberRanges.maxBodyMB.lowerBound)...Double(NumberRanges.maxBodyMB.upperBound))
    }

    public var clientSettings: ClientSettings {
        var settings = ClientSettings()
        settings.retries = (try? line.int("retries", in: NumberRanges.retries)).flatMap { $0 } ?? 2
        settings.verbose = line.bool("verbose")
        settings.dryRun = line.bool("dry-run")
        if let base = (try? NumberRanges.environment("PBXCTL_BACKOFF_BASE_MS", environment, in: NumberRanges.backoffBaseMS)).flatMap({ $0 }) {
            settings.backoffBase = base / 1000
        }
        settings.maxStreamedBytes = maxBodyBytes
        settings.maxItemBytes = maxBodyBytes / 16
        settings.deadline = deadline
        return settings
    }

    public func transport() throws -> Transport {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cachedTransport { return cachedTransport }
        let timeout = try line.double("timeout", in: NumberRanges.timeout) ?? 30
        if let caFile = line.string("cacert"), !FileManager.default.isReadableFile(atPath: caFile) {
            throw APIError.usage("--cacert \(caFile): no such readable file")
        }
        if line.bool("insecure") {
            io.err("warning: --insecure: TLS certificates are not verified; anyone on the path can read and change this traffic\n")
        }
        var options = TransportOptions(timeout: timeout, insecure: line.bool("insecure"), caCertFile: line.string("cacert"))
        options.maxBodyBytes = maxBodyBytes
        options.deadline = deadline
        do {
            let transport = try makeTransport(options)
            cachedTransport = transport
            return transport
        } catch let error as TransportError {
            throw APIError(kind: .transport, code: "NO_TRANSPORT", message: error.message)
        }
    }

    /// A client for the backend type the running command needs.
    public func client(_ type: BackendType) throws -> APIClient {
        if let client = cachedClients[type] { return client }
        let profile = try resolveProfile(type)
        let client = try backends.require(type).connect(profile, app: self)
        cachedClients[type] = client
        return client
    }

    func makeClient(_ connection: Connection) throws -> APIClient {
        APIClient(connection: connection, transport: try transport(), settings: clientSettings, clock: clock,
                  stdout: { [io] in io.out($0) }, stderr: { [io] in io.err($0) })
    }

    /// Starts the in-process sandbox for `--sandbox`.
    func startSandbox() throws {
        var options = SandboxOptions()
        options.now = { [clock] in clock.now }
        let sandbox = Sandbox(options: options)
        try sandbox.start()
        self.sandbox = sandbox
    }
}
