import Foundation
import PBXCatalog
import PBXClient
import PBXJSON

/// OAuth 2 client credentials for Vonage Contact Center: one token per scope
/// (`users:read`, `users:write`), cached in the credentials file until it expires,
/// fetched again when it has (or when the API says 401).
enum VonageAuth {
    static let mediaType = "application/vnd.newvoicemedia.v4+json"

    static func cacheKeys(_ scope: String) -> (token: String, expires: String) {
        let name = scope.replacingOccurrences(of: ":", with: "_")
        return ("\(name)_token", "\(name)_token_expires_at")
    }

    static func client(profile: ResolvedProfile, scope: String, app: App) throws -> APIClient {
        let (api, _) = try Backends.vonageURLs(profile)
        let token = try currentToken(profile: profile, scope: scope, app: app, forceNew: false)
        let client = try app.makeClient(Connection(backend: "vonage", baseURL: api, auth: .bearer(token),
                                                   extraHeaders: [("Accept", mediaType)], secretVariable: "PBXCTL_VONAGE_TOKEN"))
        if profile.secret("client_secret") != nil {
            client.refreshAuth = { [weak app] in
                guard let app else { return nil }
                return .bearer(try currentToken(profile: profile, scope: scope, app: app, forceNew: true))
            }
        }
        return client
    }

    static func currentToken(profile: ResolvedProfile, scope: String, app: App, forceNew: Bool) throws -> String {
        if let fixed = profile.secret("access_token"), profile.secret("client_secret") == nil { return fixed }
        let keys = cacheKeys(scope)
        if !forceNew, let cached = profile.secret(keys.token), let expires = profile.secret(keys.expires).flatMap(RFC3339.parse),
            expires.timeIntervalSinceNow > 1
        {
            return cached
        }
        if app.clientSettings.dryRun { return "DRY-RUN-TOKEN" }
        let (token, expires) = try fetch(profile: profile, scope: scope, app: app)
        if let name = profile.name, profile.source != .sandbox, profile.source != .environment {
            // As with PortSIP refreshes: a fresh read under the lock, so profiles running
            // side by side do not save over each other's tokens.
            FleetRun.credentialsLock.lock()
            defer { FleetRun.credentialsLock.unlock() }
            let store = try ConfigStore(path: try app.store().configPath, warn: { _ in })
            store.setSecret(name, keys.token, token)
            store.setSecret(name, keys.expires, RFC3339.format(expires))
            try store.saveCredentials()
        }
        return token
    }

    /// `POST token_url` with `grant_type=client_credentials`, form-encoded.
    static func fetch(profile: ResolvedProfile, scope: String, app: App) throws -> (String, Date) {
        let (_, tokenURL) = try Backends.vonageURLs(profile)
        guard let clientId = profile.setting("client_id"), let secret = profile.secret("client_secret") else {
            throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                           message: "\(profile.label) needs client_id and client_secret (or PBXCTL_VONAGE_TOKEN)", backend: "vonage")
        }
        let client = try app.makeClient(Connection(backend: "vonage", baseURL: tokenURL, auth: .none))
        var request = client.makeRequest(method: "POST", path: "", form: [
            ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), ("scope", scope),
        ])
        request.url = tokenURL
        let answer: APIResponse
        do {
            answer = try client.decode(client.send(request))
        } catch var error as APIError where error.kind == .http {
            // The token endpoint says 400 invalid_client for bad credentials: an auth failure.
            if ["invalid_client", "unauthorized_client"].contains(error.code) || ["invalid_client", "unauthorized_client"].contains(error.message) { error.status = 401 }
            error.message = "could not obtain a Vonage token (\(scope)): \(error.message)"
            throw error
        }
        guard let token = answer.json?["access_token"]?.stringValue else {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "the token answer has no access_token", backend: "vonage")
        }
        let lifetime = Double(answer.json?["expires_in"]?.intValue ?? 3600)
        return (token, Date().addingTimeInterval(lifetime))
    }
}
