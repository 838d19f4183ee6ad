import Foundation
import PBXClient
import PBXEngine
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
    /// The command line, read to its end even when it holds a mistake.
    public let line: ParsedCommandLine
    /// The global flags and knobs, read once from `line` and the environment.
    let globals: GlobalOptions
    /// How records are printed: the global flags with this terminal's facts, worked out once.
    public let output: OutputOptions
    private var cachedStore: ConfigStore?
    private var cachedTransport: Transport?
    private var cachedClients: [BackendType: APIClient] = [:]
    public internal(set) var sandbox: Sandbox?
    /// Token lifetimes, backoff and `--max-time` are counted on it.
    public let clock: Clock
    let makeTransport: TransportFactory
    /// Import workers reach `store()` and `transport()` through a token refresh.
    private let cacheLock = NSLock()

    init(io: IOContext, root: Command, line: ParsedCommandLine, backends: BackendRegistry = .standard,
         transport: @escaping TransportFactory = CurlTransport.factory, clock: Clock = SystemClock()) {
        self.io = io
        self.clock = clock
        makeTransport = transport
        started = clock.now
        self.root = root
        self.backends = backends
        self.line = line
        let globals = GlobalOptions(line, environment: io.environment)
        self.globals = globals
        var options = OutputOptions()
        options.format = globals.format
        options.fields = globals.fields
        options.noHeaders = globals.noHeaders
        options.quiet = globals.quiet
        options.isTTY = io.stdoutIsTTY
        options.width = io.terminalWidth
        options.color = Self.colour(globals.color, io: io)
        output = options
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

    /// NO_COLOR counts only when non-empty (no-color.org); a dumb terminal gets none.
    static func colour(_ when: String, io: IOContext) -> Bool {
        switch when {
        case "always": return true
        case "never": return false
        default: return io.stdoutIsTTY && (io.environment["NO_COLOR"] ?? "").isEmpty && io.environment["TERM"] != "dumb"
        }
    }

    /// The one memory knob: the largest answer held in memory, the longest list
    /// streamed item by item, and (a sixteenth of it) the largest single item.
    var maxBodyBytes: Int { globals.maxBodyBytes }

    /// `--max-time`: when the whole command must be done, counted from its start.
    lazy var deadline: Date? = globals.maxTime.map { started.addingTimeInterval($0) }
    let started: Date

    public var clientSettings: ClientSettings {
        var settings = ClientSettings()
        settings.retries = globals.retries
        settings.verbose = globals.verbose
        settings.dryRun = globals.dryRun
        if let base = globals.backoffBase { settings.backoffBase = base }
        settings.maxStreamedBytes = maxBodyBytes
        settings.maxItemBytes = maxBodyBytes / 16
        settings.deadline = deadline
        return settings
    }

    public func transport() throws -> Transport {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cachedTransport { return cachedTransport }
        if let caFile = globals.cacert, !FileManager.default.isReadableFile(atPath: caFile) {
            throw APIError.usage("--cacert \(caFile): no such readable file")
        }
        if globals.insecure {
            io.err("warning: --insecure: TLS certificates are not verified; anyone on the path can read and change this traffic\n")
        }
        var options = TransportOptions(timeout: globals.timeout, insecure: globals.insecure, caCertFile: globals.cacert)
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
