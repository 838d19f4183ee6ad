import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON
import PBXSandbox

/// Vonage Contact Center's User Admin API: OAuth 2 client credentials, one token per
/// scope (`users:read`, `users:write`), cached in the credentials file until it
/// expires and fetched again when it has (or when the API says 401). `url` is the API
/// root itself, or derived from `region`.
public struct VonageBackend: Backend {
    public init() {}

    static let mediaType = "application/vnd.newvoicemedia.v4+json"
    /// Vonage's regions; other names are accepted only as a plain label.
    static let regions = ["emea", "nam", "apac"]

    public var type: BackendType { .vonage }
    public var settingKeys: [String] { ["url", "region", "token_url", "client_id"] }
    public var secretKeys: [String] { ["client_secret", "access_token", "access_token_expires_at"] }
    public var cachedSecretKeys: [String] { ["users:read", "users:write"].flatMap { [Self.cacheKeys($0).token, Self.cacheKeys($0).expires] } }
    public var urlStandIn: (key: String, hint: String)? { ("region", " (or region=emea|nam|apac)") }
    public var environmentVariables: [EnvironmentVariable] {
        [EnvironmentVariable("PBXCTL_VONAGE_URL", "url"), EnvironmentVariable("PBXCTL_VONAGE_REGION", "region"), EnvironmentVariable("PBXCTL_VONAGE_TOKEN_URL", "token_url"),
         EnvironmentVariable("PBXCTL_VONAGE_CLIENT_ID", "client_id"), EnvironmentVariable("PBXCTL_VONAGE_CLIENT_SECRET", "client_secret", secret: true),
         EnvironmentVariable("PBXCTL_VONAGE_TOKEN", "access_token", secret: true)]
    }
    public var environmentTriggers: [String] { ["PBXCTL_VONAGE_URL", "PBXCTL_VONAGE_REGION"] }
    public var environmentHint: String { "or set PBXCTL_VONAGE_URL (or region), PBXCTL_VONAGE_CLIENT_ID and PBXCTL_VONAGE_CLIENT_SECRET (or PBXCTL_VONAGE_TOKEN)" }
    public var apiPrefix: String? { nil }
    public var pageStyle: PageStyle { .pageLimit(pageSize: 1000) }

    public func checkSetting(_ key: String, _ value: String, label: String) throws {
        if key == "region" { try Self.checkRegion(value, label: label) }
    }

    public func sandboxProfile(baseURL: String, options: SandboxOptions) -> Profile {
        Profile(name: sandboxProfileName, type: type,
                settings: ["url": baseURL + "/vonage/useradmin", "token_url": baseURL + "/vonage/Auth/connect/token", "client_id": SandboxCredentials.vonageClientId],
                secrets: ["client_secret": SandboxCredentials.vonageClientSecret], source: .sandbox)
    }

    /// Reading is what most commands do; a command that writes asks for its own scope.
    public func connect(_ profile: Profile, app: App) throws -> APIClient {
        try Self.client(profile: profile, scope: "users:read", app: app)
    }

    /// The client secret is the credential; a token is fetched now to prove it works.
    public func login(_ profile: Profile, invocation: Invocation) throws {
        let app = invocation.app
        var withSecret = profile
        if profile.secret("client_secret") == nil || invocation.line[CommonFlags.passwordStdin] || invocation.io.stdinIsTTY {
            withSecret.secrets["client_secret"] = try LoginCommands.readPassword(invocation, prompt: "Client secret for \(profile.setting("client_id") ?? "client"): ")
        }
        withSecret.secrets["access_token"] = nil
        let token = try Self.fetch(profile: withSecret, scope: "users:read", app: app)
        let keys = Self.cacheKeys("users:read")
        try LoginCommands.saveSecrets(app, withSecret, [("client_secret", withSecret.secrets["client_secret"]), (keys.token, token.0), (keys.expires, RFC3339.format(token.1))])
        invocation.io.err("Obtained a Vonage token for \(profile.name ?? "the environment profile"), valid until \(RFC3339.format(token.1))\n")
    }

    public func install(in root: Command) {
        root.add(VonageCommands.group)
    }

    /// `region` is pasted into host names: anything but a label (`127.0.0.1:9/x?`) would
    /// send the client secret to a host of someone else's choosing.
    static func checkRegion(_ region: String, label: String) throws {
        let isLabel = !region.isEmpty && region.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard regions.contains(region) || isLabel else {
            throw APIError.usage("\(label): region \(region.debugDescription) is not a region name (\(regions.joined(separator: ", ")), or lower-case letters, digits and '-')")
        }
    }

    /// The User Admin API root (`url`, else derived from `region`) and the token endpoint.
    static func urls(_ profile: Profile) throws -> (api: String, token: String) {
        let region = profile.setting("region")
        if let region { try checkRegion(region, label: profile.label) }
        guard let api = profile.setting("url") ?? region.map({ "https://\($0).api.newvoicemedia.com/useradmin" }) else {
            throw APIError.usage("\(profile.label) needs url or region (emea, nam, apac)")
        }
        guard api.hasPrefix("https://") || api.hasPrefix("http://") else { throw APIError.usage("\(profile.label): url must start with https://") }
        let token = profile.setting("token_url") ?? region.map { "https://\($0).cc.vonage.com/Auth/connect/token" }
        guard let token else { throw APIError.usage("\(profile.label) needs token_url (or region) to obtain a token") }
        return (api, token)
    }

    static func cacheKeys(_ scope: String) -> (token: String, expires: String) {
        let name = scope.replacingOccurrences(of: ":", with: "_")
        return ("\(name)_token", "\(name)_token_expires_at")
    }

    static func client(profile: Profile, scope: String, app: App) throws -> APIClient {
        let (api, _) = try urls(profile)
        let token = try currentToken(profile: profile, scope: scope, app: app, forceNew: false)
        let client = try app.makeClient(Connection(backend: "vonage", baseURL: api, auth: .bearer(token),
                                                   extraHeaders: [("Accept", mediaType)], secretVariable: "PBXCTL_VONAGE_TOKEN"))
        if profile.secret("client_secret") != nil {
            client.refreshAuth = { [weak app] _ in
                guard let app else { return nil }
                return .bearer(try currentToken(profile: profile, scope: scope, app: app, forceNew: true))
            }
        }
        return client
    }

    static func currentToken(profile: Profile, scope: String, app: App, forceNew: Bool) throws -> String {
        if let fixed = profile.secret("access_token"), profile.secret("client_secret") == nil { return fixed }
        let keys = cacheKeys(scope)
        if !forceNew, let cached = profile.secret(keys.token), let expires = profile.secret(keys.expires).flatMap(RFC3339.parse),
            expires.timeIntervalSince(app.clock.now) > 1
        {
            return cached
        }
        if app.clientSettings.dryRun { return "DRY-RUN-TOKEN" }
        let (token, expires) = try fetch(profile: profile, scope: scope, app: app)
        if let name = profile.name, profile.keepsCredentials {
            let store = try app.store()
            try store.update {
                try store.setSecret(name, keys.token, token)
                try store.setSecret(name, keys.expires, RFC3339.format(expires))
            }
        }
        return token
    }

    /// `POST token_url` with `grant_type=client_credentials`, form-encoded.
    static func fetch(profile: Profile, scope: String, app: App) throws -> (String, Date) {
        let (_, tokenURL) = try urls(profile)
        guard let clientId = profile.setting("client_id"), let secret = profile.secret("client_secret") else {
            throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                           message: "\(profile.label) needs client_id and client_secret (or PBXCTL_VONAGE_TOKEN)", backend: "vonage")
        }
        Backends.warnIfPlainHTTP(tokenURL, carrying: "client_secret", profile: profile, app: app)
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
        try Backends.checkIssued(["access_token": token], backend: "vonage")
        let lifetime = Double(answer.json?["expires_in"]?.intValue ?? 3600)
        return (token, app.clock.now.addingTimeInterval(lifetime))
    }
}
