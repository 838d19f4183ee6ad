import Foundation
import PBXCatalog
import PBXClient
import PBXJSON

/// `login` and `logout`.
enum LoginCommands {
    static var login: Command {
        let command = Command("login", "Obtain and store a token for a profile",
                details: "Obtain and store a token for a profile. PortSIP: POST /api/login with the profile's username (and domain); the password is read from a no-echo prompt on a terminal, or from --password-stdin. The tokens are written to the credentials file (mode 0600).",
                flags: [
                    Flag("username", .string, value: "NAME", help: "the account to log in as (default: the profile's username)"),
                    Flag("password-stdin", help: "read the password from standard input"),
                ],
                examples: ["pbxctl login -p prod --password-stdin < password.txt", "printf '%s' \"$PBX_PASSWORD\" | pbxctl login -p prod --password-stdin"],
                run: { invocation in try runLogin(invocation) })
        command.secrets = [("password", "--password-stdin")]
        return command
    }

    static var logout: Command {
        Command("logout", "Forget the stored credentials (tokens, secrets) of a profile",
                examples: ["pbxctl logout -p prod"],
                run: { invocation in try runLogout(invocation) })
    }

    /// The profile `login`/`logout` act on: `--profile`, else the default or only profile of any type.
    static func targetProfile(_ app: App) throws -> ResolvedProfile {
        if app.sandbox != nil {
            return try app.resolveProfile(app.line.string("profile").flatMap(BackendType.sandboxType) ?? .portsip)
        }
        if let name = app.line.string("profile") ?? app.environment["PBXCTL_PROFILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let profile = try app.store().profile(named: name) else {
                throw APIError.usage(lines: ["no profile named '\(name)'"] + Suggest.hintLines(name, among: try app.store().profileNames))
            }
            return ResolvedProfile(name: name, type: profile.type, settings: profile.settings, secrets: profile.secrets, source: .flag)
        }
        let all = try app.store().profiles()
        let chosen = all.count == 1 ? all.first : (all.filter(\.isDefault).count == 1 ? all.first(where: \.isDefault) : nil)
        guard let chosen else {
            throw APIError.usage(all.isEmpty ? "no profile is configured; add one with: pbxctl config set NAME --type portsip --url URL --username USER" : "which profile? pass --profile NAME (one of \(all.map(\.name).joined(separator: ", ")))")
        }
        return ResolvedProfile(name: chosen.name, type: chosen.type, settings: chosen.settings, secrets: chosen.secrets, source: .onlyProfile)
    }

    static func readPassword(_ invocation: Invocation, prompt: String) throws -> String {
        if invocation.line.bool("password-stdin") { return try invocation.io.secretFromStdin() }
        guard invocation.io.stdinIsTTY else {
            throw APIError.usage("no terminal to ask for the password on; use --password-stdin")
        }
        guard let text = invocation.io.secret(prompt: prompt), !text.isEmpty else { throw APIError.usage("no password given") }
        return text
    }

    static func runLogin(_ invocation: Invocation) throws {
        let app = invocation.app
        let profile = try targetProfile(app)
        switch profile.type {
        case .portsip:
            let url = try Backends.requireURL(profile)
            guard let username = invocation.line.string("username") ?? profile.setting("username") else {
                throw APIError.usage("\(profile.label) has no username; pass --username NAME or run: pbxctl config set \(profile.name ?? "NAME") username=NAME")
            }
            let password = try readPassword(invocation, prompt: "Password for \(username) at \(Redaction.url(url)): ")
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
            let expires = answer.json?["expires_in"]?.intValue.map { Date().addingTimeInterval(Double($0)) }
            try saveSecrets(app, profile, [
                ("token", token), ("refresh_token", answer.json?["refresh_token"]?.stringValue),
                ("expires_at", expires.map(RFC3339.format)),
            ])
            invocation.io.err("Logged in to \(profile.name ?? url) as \(username)" + (expires.map { "; the token is valid until \(RFC3339.format($0))" } ?? "") + "\n")
        default:
            try OtherBackendLogin.login(profile, invocation)
        }
    }

    static func saveSecrets(_ app: App, _ profile: ResolvedProfile, _ values: [(String, String?)]) throws {
        guard let name = profile.name, profile.source != .sandbox, profile.source != .environment else { return }
        let store = try app.store()
        try store.update {
            for (key, value) in values { try store.setSecret(name, key, value) }
        }
    }

    static func runLogout(_ invocation: Invocation) throws {
        let app = invocation.app
        let profile = try targetProfile(app)
        guard let name = profile.name, profile.source != .sandbox else { return }
        let store = try app.store()
        try store.update {
            for key in try store.profile(named: name)?.secrets.keys.sorted() ?? [] { try store.setSecret(name, key, nil) }
        }
        invocation.io.err("Logged out of \(name)\n")
    }
}

enum OtherBackendLogin {
    static func login(_ profile: ResolvedProfile, _ invocation: Invocation) throws {
        let app = invocation.app
        switch profile.type {
        case .rocketchat:
            // POST /api/v1/login {user, password} → data.userId, data.authToken.
            let url = try Backends.requireURL(profile)
            guard let username = invocation.line.string("username") ?? profile.setting("username") else {
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
        case .vonage:
            // The client secret is the credential; a token is fetched now to prove it works.
            var withSecret = profile
            if profile.secret("client_secret") == nil || invocation.line.bool("password-stdin") || invocation.io.stdinIsTTY {
                withSecret.secrets["client_secret"] = try LoginCommands.readPassword(invocation, prompt: "Client secret for \(profile.setting("client_id") ?? "client"): ")
            }
            withSecret.secrets["access_token"] = nil
            let token = try VonageAuth.fetch(profile: withSecret, scope: "users:read", app: app)
            let keys = VonageAuth.cacheKeys("users:read")
            try LoginCommands.saveSecrets(app, withSecret, [("client_secret", withSecret.secrets["client_secret"]), (keys.token, token.0), (keys.expires, RFC3339.format(token.1))])
            invocation.io.err("Obtained a Vonage token for \(profile.name ?? "the environment profile"), valid until \(RFC3339.format(token.1))\n")
        case .commpeak:
            // Basic auth has no session: the password itself is stored (0600).
            let password = try LoginCommands.readPassword(invocation, prompt: "Password for \(profile.setting("username") ?? "the API user"): ")
            try LoginCommands.saveSecrets(app, profile, [("password", password)])
            invocation.io.err("Stored the CommPeak API password for \(profile.name ?? "the profile")\n")
        case .portsip:
            break
        }
    }
}
