import Foundation

/// How a sandbox is seeded and which faults it injects (the fault switches are for tests).
public struct SandboxOptions: Sendable {
    public var users = 250
    public var cdrs = 500
    public var latencyMS = 0
    /// Probability of answering 503 instead of serving a request.
    public var failRate = 0.0
    /// Requests allowed per second before answering 429 with Retry-After; 0 = no limit.
    public var rateLimit = 0
    /// Requests served at once before answering 429 (no Retry-After), as a server or
    /// proxy that limits concurrent connections does; 0 = no limit. A request counts
    /// from arrival to answer, `latencyMS` included.
    public var maxInFlight = 0
    /// Probability of closing the connection halfway through an answer.
    public var dropRate = 0.0
    /// Lifetime of tokens issued by login, seconds.
    public var tokenTTL = 3600
    /// The sandbox's time, for token lifetimes and the rate limit's window: a test
    /// passes the clock its client uses, so that letting a token expire takes no waiting.
    public var now: @Sendable () -> Date = { Date() }
    /// Seed of the fault injector, so a test run is repeatable.
    public var faultSeed: UInt64 = 42
    /// Rocket.Chat answers registration requests with an HS256 JWS, as when a VoIP JWT secret is set.
    public var rocketchatSigned = false
    /// Hostile answers, off unless asked for (tests of what pbxctl trusts), by mode:
    /// `file-url=BASE` puts BASE (or the sandbox's own URL for `self`) before each
    /// recording's file_url; `file-name=NAME` names every recording NAME;
    /// `blob-401-once` answers the first file download 401; `count=VALUE` puts VALUE
    /// as the `count` of every list answer; `item-bytes=N` gives the first item of each
    /// one-piece list (CDRs, messages) a field N bytes long; `drop-reused-post` does a
    /// POST that came on a kept-alive connection, then closes it without answering;
    /// `user-id=ID` gives every user in a user list that ID (what an extension lookup finds);
    /// `same-page` answers every page of a paged list with its first page, whatever `skip` says.
    public var hostile: [String: String] = [:]
    /// Check every PortSIP answer against the vendor document (a benchmark turns it off,
    /// so that the sandbox's own checking is not timed as if it were the network).
    public var checkAnswers = true
    /// How Rocket.Chat answers registration requests instead of a current signed answer.
    public var rocketchatAnswer: RocketChatAnswerFault?
    /// Vonage pages carry no `meta`, so only a short or empty page marks the end.
    public var vonageNoMeta = false
    /// The first N times a page of a user's numbers is served with more to follow,
    /// another admin then takes away the user's first number and assigns an
    /// unassigned one at the end: the next page starts one number later.
    public var vonageChurnRemove = 0
    /// The same, but the other admin assigns an unassigned number at the front:
    /// the next page repeats the previous page's last number.
    public var vonageChurnInsert = 0
    /// Hostile: tokens and user IDs issued at login and refresh carry a line break and an INI section.
    public var newlineTokens = false
    /// Hostile: refusals quote the password or token the client sent back to it.
    public var echoSecrets = false
    /// Hostile: streamed lists (CDRs) answer 500 with an error body of several MiB.
    public var hugeErrorBodies = false

    /// Any mode that answers outside the vendor document on purpose.
    public var isHostile: Bool { !hostile.isEmpty || newlineTokens || echoSecrets || hugeErrorBodies }

    public init() {}
}

/// Rocket.Chat registration answers a client with a `jwt_secret` must refuse.
public enum RocketChatAnswerFault: String, Sendable, CaseIterable {
    /// Correctly signed, but issued a year ago and expired an hour later: a replay.
    case expired
    /// Correctly signed, but not valid for another hour (`nbf`, `iat` ahead).
    case early
    /// `result` is a string that is not a compact JWS.
    case notJWS = "not-jws"
    /// `result` holds the registration as a plain object, unsigned.
    case resultObject = "result-object"
}

/// The credentials the sandbox accepts; printed by `pbxctl sandbox`.
public enum SandboxCredentials {
    public static let portsipUsername = "admin"
    public static let portsipPassword = "sandbox"
    /// A long-lived token for PBXCTL_TOKEN, so no login is needed.
    public static let portsipToken = "sandbox-portsip-token"
    public static let rocketchatUserId = "rbAXPnMktTFbNpwtJ"
    public static let rocketchatUsername = "agent"
    public static let rocketchatPassword = "sandbox"
    public static let rocketchatAuthToken = "sandbox-rocketchat-token"
    public static let rocketchatJWTSecret = "sandbox-jwt-secret"
    public static let vonageClientId = "sandbox-client"
    public static let vonageClientSecret = "sandbox-secret"
    public static let commpeakUsername = "apiuser"
    public static let commpeakPassword = "sandbox"
}

/// SplitMix64: a small deterministic generator for seed data, faults and fuzzing.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}
