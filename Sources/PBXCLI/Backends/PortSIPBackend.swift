import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON
import PBXSandbox

/// The PortSIP PBX REST API: a bearer token from `POST /api/login`, refreshed once
/// with the stored refresh token when the server refuses it; most of the command tree.
public struct PortSIPBackend: Backend {
    public init() {}

    public var type: BackendType { .portsip }
    public var settingKeys: [String] { ["url", "username", "domain"] }
    public var secretKeys: [String] { ["token", "refresh_token", "expires_at"] }
    public var environmentVariables: [EnvironmentVariable] {
        [EnvironmentVariable("PBXCTL_URL", "url"), EnvironmentVariable("PBXCTL_TOKEN", "token", secret: true), EnvironmentVariable("PBXCTL_DOMAIN", "domain")]
    }
    public var environmentHint: String { "or set PBXCTL_URL and PBXCTL_TOKEN" }
    public var apiPrefix: String? { "/api" }

    public func refusedSecretNote(profile name: String) -> String {
        "a PortSIP password is only for `pbxctl login -p \(name)`, which stores the token it gets; "
    }

    public func sandboxProfile(baseURL: String, options: SandboxOptions) -> Profile {
        Profile(name: sandboxProfileName, type: type, settings: ["url": baseURL + "/portsip", "username": SandboxCredentials.portsipUsername],
                secrets: ["token": SandboxCredentials.portsipToken], source: .sandbox)
    }

    public func connect(_ profile: Profile, app: App) throws -> APIClient {
        let url = try Backends.requireURL(profile)
        guard let token = profile.secret("token") else {
            throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                           message: "\(profile.label) has no token; run: pbxctl login" + (profile.name.map { " -p \($0)" } ?? ""), backend: "portsip")
        }
        let client = try app.makeClient(Connection(backend: "portsip", baseURL: Backends.apiBase(url, prefix: "/api"), auth: .bearer(token)))
        if let name = profile.name, profile.keepsCredentials, profile.secret("refresh_token") != nil {
            client.refreshAuth = { [weak app] refused in
                guard let app else { return nil }
                return try Self.refresh(profile: name, refused: refused, app: app)
            }
        }
        return client
    }

    /// `POST /api/auth/refresh_token`, once, with the stored refresh token; the new
    /// tokens replace the old ones in `credentials` (0600, atomic). It runs under the
    /// config lock: a process that waited there while another one refreshed finds a
    /// token other than the one refused and uses it, since the refresh token it read is
    /// single-use and already spent.
    static func refresh(profile name: String, refused: AuthScheme, app: App) throws -> AuthScheme? {
        let store = try app.store()
        let refreshed: AuthScheme? = try store.update {
            guard let profile = try store.profile(named: name), let url = profile.setting("url") else { return nil }
            if let current = profile.secret("token"), case .bearer(let sent) = refused, current != sent { return .bearer(current) }
            guard let refreshToken = profile.secret("refresh_token") else { return nil }
            let client = try app.makeClient(Connection(backend: "portsip", baseURL: Backends.apiBase(url, prefix: "/api"), auth: .none))
            let answer: APIResponse
            do {
                answer = try client.call("POST", "/auth/refresh_token", body: ["refresh_token": .string(refreshToken)])
            } catch let error as APIError where error.kind == .http {
                throw APIError(kind: .http, status: 401, code: "UNAUTHORIZED", message: "the session has expired; run pbxctl login -p \(name)", backend: "portsip")
            }
            guard let token = answer.json?["access_token"]?.stringValue else { return nil }
            try Backends.checkIssued(["access_token": token, "refresh_token": answer.json?["refresh_token"]?.stringValue], backend: "portsip")
            try store.setSecret(name, "token", token)
            if let refresh = answer.json?["refresh_token"]?.stringValue { try store.setSecret(name, "refresh_token", refresh) }
            if let seconds = answer.json?["expires_in"]?.intValue {
                try store.setSecret(name, "expires_at", RFC3339.format(app.clock.now.addingTimeInterval(Double(seconds))))
            }
            if app.globals.verbose { app.io.err("* refreshed the access token of profile '\(name)'\n") }
            return .bearer(token)
        }
        return refreshed
    }

    /// `POST /api/login` with the profile's username (and domain) and a password read
    /// without echo; the tokens it answers go to `credentials`.
    public func login(_ profile: Profile, invocation: Invocation) throws {
        let app = invocation.app
        let url = try Backends.requireURL(profile)
        guard let username = invocation.line[LoginCommands.username] ?? profile.setting("username") else {
            throw APIError.usage("\(profile.label) has no username; pass --username NAME or run: pbxctl config set \(profile.name ?? "NAME") username=NAME")
        }
        let password = try LoginCommands.readPassword(invocation, prompt: "Password for \(username) at \(Redaction.url(url)): ")
        Backends.warnIfPlainHTTP(url, carrying: "password", profile: profile, app: app)
        var body = JSONObject([("username", .string(username)), ("password", .string(password))])
        if let domain = profile.setting("domain") { body["domain"] = .string(domain) }
        let client = try app.makeClient(Connection(backend: "portsip", baseURL: Backends.apiBase(url, prefix: "/api"), auth: .none))
        let answer = try client.call("POST", "/login", body: .object(body))
        if answer.dryRun { return }
        guard let token = answer.json?["access_token"]?.stringValue else {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "the login answer has no access_token", backend: "portsip")
        }
        try Backends.checkIssued(["access_token": token, "refresh_token": answer.json?["refresh_token"]?.stringValue], backend: "portsip")
        let expires = answer.json?["expires_in"]?.intValue.map { app.clock.now.addingTimeInterval(Double($0)) }
        try LoginCommands.saveSecrets(app, profile, [
            ("token", token), ("refresh_token", answer.json?["refresh_token"]?.stringValue),
            ("expires_at", expires.map(RFC3339.format)),
        ])
        invocation.io.err("Logged in to \(profile.name ?? url) as \(username)" + (expires.map { "; the token is valid until \(RFC3339.format($0))" } ?? "") + "\n")
    }

    public func install(in root: Command) {
        RootCommand.addPortSIPGroups(to: root)
    }
}

extension PortSIPBackend: RegistrationSource {
    func registrationProbe(_ user: String?, invocation: Invocation) throws -> RegistrationProbe {
        try RegistrationProbe.portSIP(user, invocation: invocation)
    }
}
