import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where a command writes. Real runs use the process's streams; tests use strings.
public protocol TextSink: AnyObject, Sendable {
    func write(_ text: String)
    /// UTF-8 bytes, for output that is already encoded (JSON Lines).
    func write(bytes: [UInt8])
    func flush()
    /// Why writing failed (a full disk), once it has; later writes are dropped.
    var writeError: String? { get }
}

extension TextSink {
    public func write(bytes: [UInt8]) { write(String(decoding: bytes, as: UTF8.self)) }
    public var writeError: String? { nil }

    /// Throws once a write has failed, so that a command stops instead of fetching
    /// more for output that cannot be written.
    public func checkWritten() throws {
        if let writeError { throw OutputWriteError(reason: writeError) }
    }
}

/// Buffered writes to a file descriptor; large outputs are written in big chunks.
/// Sendable by `lock`, which guards the buffer and the failure (workers print too).
public final class FileSink: TextSink, @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let lock = NSLock()
    private let limit: Int

    public init(fd: Int32, bufferSize: Int = 64 << 10) {
        self.fd = fd
        limit = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    public func write(_ text: String) {
        lock.lock()
        buffer.append(contentsOf: text.utf8)
        let full = buffer.count >= limit
        lock.unlock()
        if full { flush() }
    }

    public func write(bytes: [UInt8]) {
        lock.lock()
        buffer.append(contentsOf: bytes)
        let full = buffer.count >= limit
        lock.unlock()
        if full { flush() }
    }

    public func flush() {
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < buffer.count, failure == nil {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            if written < 0, errno == EPIPE {
                // The reader went away (`| head`): end quietly, as SIGPIPE would.
                signal(SIGPIPE, SIG_DFL)
                raise(SIGPIPE)
            }
            if written <= 0 {
                failure = written < 0 ? String(cString: strerror(errno)) : "nothing was written"
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private var failure: String?

    public var writeError: String? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }
}

/// Sendable by `lock`, which guards the text.
public final class StringSink: TextSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storage = ""
    public init() {}
    public func write(_ text: String) {
        lock.lock()
        storage += text
        lock.unlock()
    }
    public func flush() {}
    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// Everything a command touches outside itself: streams, terminal facts, the
/// environment, stdin. Injected so that any command runs in a test with fake TTYs.
public final class IOContext: Sendable {
    public let stdout: TextSink
    public let stderr: TextSink
    public let stdoutIsTTY: Bool
    public let stderrIsTTY: Bool
    public let stdinIsTTY: Bool
    public let environment: [String: String]
    public let terminalWidth: Int
    private let readStdin: @Sendable () -> [UInt8]
    private let promptSecret: @Sendable (String) -> String?
    private let askConfirmation: @Sendable (String) -> Bool

    public init(stdout: TextSink, stderr: TextSink, stdoutIsTTY: Bool = false, stderrIsTTY: Bool = false, stdinIsTTY: Bool = false,
                environment: [String: String] = [:], terminalWidth: Int = 80, readStdin: @escaping @Sendable () -> [UInt8] = { [] },
                promptSecret: @escaping @Sendable (String) -> String? = { _ in nil }, confirm: @escaping @Sendable (String) -> Bool = { _ in false })
    {
        self.askConfirmation = confirm
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutIsTTY = stdoutIsTTY
        self.stderrIsTTY = stderrIsTTY
        self.stdinIsTTY = stdinIsTTY
        self.environment = environment
        self.terminalWidth = terminalWidth
        self.readStdin = readStdin
        self.promptSecret = promptSecret
    }

    public static func process() -> IOContext {
        var size = winsize()
        let width = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : (Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80)
        return IOContext(
            stdout: FileSink(fd: STDOUT_FILENO), stderr: FileSink(fd: STDERR_FILENO, bufferSize: 1),
            stdoutIsTTY: isatty(STDOUT_FILENO) == 1, stderrIsTTY: isatty(STDERR_FILENO) == 1, stdinIsTTY: isatty(STDIN_FILENO) == 1,
            environment: ProcessInfo.processInfo.environment, terminalWidth: width,
            readStdin: { Array(FileHandle.standardInput.readDataToEndOfFile()) },
            promptSecret: Terminal.readSecret, confirm: Terminal.confirm)
    }

    public func out(_ text: String) { stdout.write(text) }
    public func err(_ text: String) { stderr.write(text) }
    public func stdinBytes() -> [UInt8] { readStdin() }

    public func secret(prompt: String) -> String? { promptSecret(prompt) }
    public func confirm(_ question: String) -> Bool { askConfirmation(question) }
}

public enum Terminal {
    /// Reads a line from the terminal with echo off.
    public static func readSecret(prompt: String) -> String? {
        let tty = open("/dev/tty", O_RDWR)
        let fd = tty >= 0 ? tty : STDIN_FILENO
        defer { if tty >= 0 { close(tty) } }
        var saved = termios()
        let hasTerminal = tcgetattr(fd, &saved) == 0
        if hasTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &silent)
        }
        // Prompted only once echo is off: what is typed after the prompt is neither shown nor flushed.
        _ = prompt.withCString { Glibc.write(fd, $0, strlen($0)) }
        defer {
            if hasTerminal { tcsetattr(fd, TCSAFLUSH, &saved) }
            _ = Glibc.write(fd, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == 0x0A || byte == 0x0D { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Asks a yes/no question on the terminal.
    public static func confirm(_ question: String) -> Bool {
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else { return false }
        defer { close(tty) }
        let prompt = question + " [y/N] "
        _ = prompt.withCString { Glibc.write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != 0x0A { bytes.append(byte) }
        let answer = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
        return answer == "y" || answer == "yes"
    }
}
