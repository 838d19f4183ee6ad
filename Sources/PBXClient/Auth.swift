import Foundation

/// How a backend proves who we are. OAuth client credentials end up as `.bearer`
/// once the token is fetched (see `TokenProvider`).
public enum AuthScheme: Sendable {
    case none
    case bearer(String)
    /// Rocket.Chat: `X-Auth-Token` and `X-User-Id`.
    case headerPair([(name: String, value: String)])
    case basic(username: String, password: String)

    public var headers: [(name: String, value: String)] {
        switch self {
        case .none: return []
        case .bearer(let token): return [("Authorization", "Bearer \(token)")]
        case .headerPair(let pairs): return pairs
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            return [("Authorization", "Basic \(encoded)")]
        }
    }
}

/// Where a backend lives and how to reach it.
public struct Connection: Sendable {
    public var backend: String
    /// Includes the API prefix: `https://pbx:8887/api`, `https://chat/api/v1`.
    public var baseURL: String
    public var auth: AuthScheme
    public var extraHeaders: [(name: String, value: String)]
    /// The shell variable a `--dry-run` line uses in place of the credential.
    public var secretVariable: String

    public init(backend: String, baseURL: String, auth: AuthScheme, extraHeaders: [(name: String, value: String)] = [], secretVariable: String = "PBXCTL_TOKEN") {
        self.backend = backend
        self.baseURL = baseURL
        self.auth = auth
        self.extraHeaders = extraHeaders
        self.secretVariable = secretVariable
    }
}
