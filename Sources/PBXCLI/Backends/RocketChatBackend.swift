import Foundation
import PBXClient
import PBXEngine
import PBXSandbox

/// Rocket.Chat's REST API (`/api/v1`): a user ID and auth token from `POST /login`,
/// sent as a header pair; it serves `registration get`, `check` and `watch`.
public struct RocketChatBackend: Backend {
    public init() {}

    public var type: BackendType { .rocketchat }
    public var settingKeys: [String] { ["url", "user_id", "username"] }
    public var secretKeys: [String] { ["auth_token", "jwt_secret"] }
    public var environmentVariables: [EnvironmentVariable] {
        [EnvironmentVariable("PBXCTL_ROCKETCHAT_URL", "url"), EnvironmentVariable("PBXCTL_ROCKETCHAT_USER_ID", "user_id"),
         EnvironmentVariable("PBXCTL_ROCKETCHAT_AUTH_TOKEN", "auth_token", secret: true), EnvironmentVariable("PBXCTL_ROCKETCHAT_JWT_SECRET", "jwt_secret", secret: true)]
    }
    public var environmentHint: String { "or set PBXCTL_ROCKETCHAT_URL, PBXCTL_ROCKETCHAT_USER_ID and PBXCTL_ROCKETCHAT_AUTH_TOKEN" }
    public var apiPrefix: String? { "/api/v1" }

    /// The JWT secret only when that sandbox signs its answers: a secret makes signatures required.
    public func sandboxProfile(baseURL: String, options: SandboxOptions) -> Profile {
        var secrets = ["auth_token": SandboxCredentials.rocketchatAuthToken]
        if options.rocketchatSigned { secrets["jwt_secret"] = SandboxCredentials.rocketchatJWTSecret }
        return Profile(name: sandboxProfileName, type: type,
                       settings: ["url": baseURL + "/rocketchat", "user_id": SandboxCredentials.rocketchatUserId, "username": SandboxCredentials.rocketchatUsername],
                       secrets: secrets, source: .sandbox)
    }

    public func connect(_ profile: Profile, app: App) throws -> APIClient {
        let url = try Backends.requireURL(profile)
        guard let userId = profile.setting("user_id"), let token = profile.secret("auth_token") else {
            throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                           message: "\(profile.label) needs user_id and auth_token; run: pbxctl login" + (profile.name.map { " -p \($0)" } ?? ""), backend: "rocketchat")
        }
        return try app.makeClient(Connection(backend: "rocketchat", baseURL: Backends.apiBase(url, prefix: "/api/v1"),
                                             auth: .headerPair([("X-Auth-Token", token), ("X-User-Id", userId)]), secretVariable: "PBXCTL_ROCKETCHAT_AUTH_TOKEN"))
    }

    /// `POST /api/v1/login {user, password}` → `data.userId`, `data.authToken`.
    public func login(_ profile: Profile, invocation: Invocation) throws {
        let app = invocation.app
        let url = try Backends.requireURL(profile)
        guard let username = invocation.line[LoginCommands.username] ?? profile.setting("username") else {
            throw APIError.usage("\(profile.label) has no username; pass --username NAME")
        }
        let password = try LoginCommands.readPassword(invocation, prompt: "Password for \(username) at \(Redaction.url(url)): ")
        Backends.warnIfPlainHTTP(url, carrying: "password", profile: profile, app: app)
        let client = try app.makeClient(Connection(backend: "rocketchat", baseURL: Backends.apiBase(url, prefix: "/api/v1"), auth: .none))
        let answer = try client.call("POST", "/login", body: ["user": .string(username), "password": .string(password)])
        if answer.dryRun { return }
        guard let userId = answer.json?["data"]?["userId"]?.stringValue, let token = answer.json?["data"]?["authToken"]?.stringValue else {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "the login answer has no data.userId/authToken", backend: "rocketchat")
        }
        try Backends.checkIssued(["data.userId": userId, "data.authToken": token], backend: "rocketchat")
        if let name = profile.name, profile.source != .sandbox {
            let store = try app.store()
            try store.update { try store.setSetting(name, "user_id", userId) }
        }
        try LoginCommands.saveSecrets(app, profile, [("auth_token", token)])
        invocation.io.err("Logged in to \(profile.name ?? url) as \(username) (user_id \(userId))\n")
    }

    /// `registration get` is Rocket.Chat's own; `check` and `watch` serve a Rocket.Chat
    /// profile through `registrationProbe`.
    public func install(in root: Command) {
        RootCommand.add(RocketChatCommands.get, at: ["registration"], to: root)
        for name in ["check", "watch"] {
            root.child(named: "registration")?.child(named: name)?.otherBackends.append(type)
        }
    }
}

extension RocketChatBackend: RegistrationSource {
    func registrationProbe(_ user: String?, invocation: Invocation) throws -> RegistrationProbe {
        try RocketChatCommands.probe(user, invocation: invocation)
    }
}
