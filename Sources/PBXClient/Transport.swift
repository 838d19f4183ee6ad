import Foundation

public struct TransportOptions: Sendable {
    public var timeout: Double
    public var insecure: Bool
    public var caCertFile: String?
    /// Bodies larger than this are refused rather than held in memory.
    public var maxBodyBytes: Int
    /// When set (`--max-time`), no request runs past it: the whole command's deadline.
    public var deadline: Date?

    public init(timeout: Double = 30, insecure: Bool = false, caCertFile: String? = nil, maxBodyBytes: Int = 512 << 20, deadline: Date? = nil) {
        self.timeout = timeout
        self.insecure = insecure
        self.caCertFile = caCertFile
        self.maxBodyBytes = maxBodyBytes
        self.deadline = deadline
    }
}

public enum TransportError: Error, Sendable, Equatable {
    case unavailable(String)
    case connect(String)
    case dns(String)
    case timeout(String)
    /// `--max-time` was reached: not retried, there is no time left.
    case deadline(String)
    case tls(String)
    /// An https:// URL whose port speaks plain HTTP: another attempt cannot help.
    case tlsMismatch(String)
    /// The connection broke after the request may have reached the server.
    case broken(String)
    case bodyTooLarge(Int)
    case interrupted
    /// The streaming consumer asked to stop (it failed, e.g. on invalid JSON).
    case consumerStopped
    case other(String)

    public var message: String {
        switch self {
        case .unavailable(let text), .connect(let text), .dns(let text), .timeout(let text), .deadline(let text), .tls(let text),
            .tlsMismatch(let text), .broken(let text), .other(let text):
            return text
        case .bodyTooLarge(let limit): return "the answer is larger than \(limit) bytes"
        case .interrupted: return "interrupted"
        case .consumerStopped: return "stopped reading the answer"
        }
    }

    /// True when nothing of the request can have reached the server, so even a
    /// non-idempotent request may be sent again.
    public var requestNeverSent: Bool {
        switch self {
        case .connect, .dns: return true
        default: return false
        }
    }
}

/// Sends one HTTP request and returns the whole answer. Implementations are safe to
/// call from several threads at once.
public protocol Transport: Sendable {
    func send(_ request: HTTPRequest) throws -> HTTPResponse
    /// Hands a 2xx answer's body to `consumer` chunk by chunk as it arrives (the
    /// returned response's body is then empty); other answers are kept whole.
    /// `consumer` returns false to abort the transfer.
    func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse
}
