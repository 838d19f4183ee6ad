import Foundation
import PBXClient
import PBXEngine
import PBXJSON
import PBXSandbox

/// CommPeak's dialer API (`/api`): Basic auth on every request, so `login` stores the
/// password itself (0600). It serves `users get ID` on a CommPeak profile.
public struct CommPeakBackend: Backend {
    public init() {}

    public var type: BackendType { .commpeak }
    public var settingKeys: [String] { ["url", "username"] }
    public var secretKeys: [String] { ["password"] }
    public var environmentVariables: [EnvironmentVariable] {
        [EnvironmentVariable("PBXCTL_COMMPEAK_URL", "url"), EnvironmentVariable("PBXCTL_COMMPEAK_USERNAME", "username"),
         EnvironmentVariable("PBXCTL_COMMPEAK_PASSWORD", "password", secret: true)]
    }
    public var environmentHint: String { "or set PBXCTL_COMMPEAK_URL, PBXCTL_COMMPEAK_USERNAME and PBXCTL_COMMPEAK_PASSWORD" }
    public var apiPrefix: String? { "/api" }

    public func sandboxProfile(baseURL: String, options: SandboxOptions) -> Profile {
        Profile(name: sandboxProfileName, type: type, settings: ["url": baseURL + "/commpeak", "username": SandboxCredentials.commpeakUsername],
                secrets: ["password": SandboxCredentials.commpeakPassword], source: .sandbox)
    }

    public func connect(_ profile: Profile, app: App) throws -> APIClient {
        let url = try Backends.requireURL(profile)
        guard let username = profile.setting("username"), let password = profile.secret("password") else {
            throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                           message: "\(profile.label) needs username and password; run: pbxctl login" + (profile.name.map { " -p \($0)" } ?? ""), backend: "commpeak")
        }
        Backends.warnIfPlainHTTP(url, carrying: "password (Basic auth, on every request)", profile: profile, app: app)
        return try app.makeClient(Connection(backend: "commpeak", baseURL: Backends.apiBase(url, prefix: "/api"),
                                             auth: .basic(username: username, password: password), secretVariable: "PBXCTL_COMMPEAK_BASIC"))
    }

    /// Basic auth has no session: the password itself is stored (0600).
    public func login(_ profile: Profile, invocation: Invocation) throws {
        let password = try LoginCommands.readPassword(invocation, prompt: "Password for \(profile.setting("username") ?? "the API user"): ")
        try LoginCommands.saveSecrets(invocation.app, profile, [("password", password)])
        invocation.io.err("Stored the CommPeak API password for \(profile.name ?? "the profile")\n")
    }

    /// On a CommPeak profile, `users get ID` reads the dialer's user instead.
    public func install(in root: Command) {
        guard let get = root.child(named: "users")?.child(named: "get") else { return }
        get.details = "Show a user. On a PortSIP profile USER is an ID or an extension number; on a CommPeak profile (-p NAME of type commpeak) it is the dialer's user ID, and the registration password is shown only with --show-secrets."
        if let index = get.flags.firstIndex(where: { $0.long == CommonFlags.showSecrets.long }) {
            get.flags[index].help = "show voicemail_pin (CommPeak: registration_password) instead of ***"
        }
        get.examples.append("pbxctl users get 42 -p dialer")
        get.serve(type, run: CommPeakCommands.getUser)
    }
}
