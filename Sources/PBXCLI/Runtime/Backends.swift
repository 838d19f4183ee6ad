import Foundation
import PBXClient
import PBXJSON
import PBXSandbox
import PBXCatalog

/// Per-backend facts: URL prefixes, environment connections, auth schemes.
enum Backends {
    static func environmentHint(_ type: BackendType) -> String {
        switch type {
        case .portsip: return "or set PBXCTL_URL and PBXCTL_TOKEN"
        case .rocketchat: return "or set PBXCTL_ROCKETCHAT_URL, PBXCTL_ROCKETCHAT_USER_ID and PBXCTL_ROCKETCHAT_AUTH_TOKEN"
        case .vonage: return "or set PBXCTL_VONAGE_URL (or region), PBXCTL_VONAGE_CLIENT_ID and PBXCTL_VONAGE_CLIENT_SECRET (or PBXCTL_VONAGE_TOKEN)"
        case .commpeak: return "or set PBXCTL_COMMPEAK_URL, PBXCTL_COMMPEAK_USERNAME and PBXCTL_COMMPEAK_PASSWORD"
        }
    }

    static func environmentProfile(_ type: BackendType, environment: [String: String]) -> ResolvedProfile? {
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        var settings: [String: String] = [:]
        var secrets: [String: String] = [:]
        switch type {
        case .portsip:
            guard let url = value("PBXCTL_URL") else { return nil }
            settings["url"] = url
            secrets["token"] = value("PBXCTL_TOKEN")
            settings["domain"] = value("PBXCTL_DOMAIN")
        case .rocketchat:
            guard let url = value("PBXCTL_ROCKETCHAT_URL") else { return nil }
            settings["url"] = url
            settings["user_id"] = value("PBXCTL_ROCKETCHAT_USER_ID")
            secrets["auth_token"] = value("PBXCTL_ROCKETCHAT_AUTH_TOKEN")
            secrets["jwt_secret"] = value("PBXCTL_ROCKETCHAT_JWT_SECRET")
        case .vonage:
            guard let url = value("PBXCTL_VONAGE_URL") ?? value("PBXCTL_VONAGE_REGION").map({ "https://\($0).api.newvoicemedia.com/useradmin" }) else { return nil }
            settings["url"] = url
            settings["token_url"] = value("PBXCTL_VONAGE_TOKEN_URL")
            settings["client_id"] = value("PBXCTL_VONAGE_CLIENT_ID")
            secrets["client_secret"] = value("PBXCTL_VONAGE_CLIENT_SECRET")
            secrets["access_token"] = value("PBXCTL_VONAGE_TOKEN")
        case .commpeak:
            guard let url = value("PBXCTL_COMMPEAK_URL") else { return nil }
            settings["url"] = url
            settings["username"] = value("PBXCTL_COMMPEAK_USERNAME")
            secrets["password"] = value("PBXCTL_COMMPEAK_PASSWORD")
        }
        return ResolvedProfile(name: nil, type: type, settings: settings.compactMapValues { $0 }, secrets: secrets.compactMapValues { $0 }, source: .environment)
    }

    static func sandboxProfile(_ type: BackendType, baseURL: String) -> ResolvedProfile {
        var settings: [String: String] = [:]
        var secrets: [String: String] = [:]
        switch type {
        case .portsip:
            settings = ["url": baseURL + "/portsip", "username": SandboxCredentials.portsipUsername]
            secrets = ["token": SandboxCredentials.portsipToken]
        case .rocketchat:
            settings = ["url": baseURL + "/rocketchat", "user_id": SandboxCredentials.rocketchatUserId]
            secrets = ["auth_token": SandboxCredentials.rocketchatAuthToken, "jwt_secret": SandboxCredentials.rocketchatJWTSecret]
        case .vonage:
            settings = ["url": baseURL + "/vonage/useradmin", "token_url": baseURL + "/vonage/Auth/connect/token", "client_id": SandboxCredentials.vonageClientId]
            secrets = ["client_secret": SandboxCredentials.vonageClientSecret]
        case .commpeak:
            settings = ["url": baseURL + "/commpeak", "username": SandboxCredentials.commpeakUsername]
            secrets = ["password": SandboxCredentials.commpeakPassword]
        }
        return ResolvedProfile(name: "sandbox-\(type.rawValue)", type: type, settings: settings, secrets: secrets, source: .sandbox)
    }

    /// `url` plus the API's own prefix; a profile URL that already ends in it is accepted.
    static func apiBase(_ url: String, prefix: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix(prefix) { return base }
        return base + prefix
    }

    static func requireURL(_ profile: ResolvedProfile) throws -> String {
        guard let url = profile.setting("url") else {
            throw APIError.usage("\(profile.label) has no url; run: pbxctl config set \(profile.name ?? "NAME") --url URL")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw APIError.usage("\(profile.label): url '\(url)' must start with https:// or http://")
        }
        return url
    }

    static func makeClient(profile: ResolvedProfile, app: App) throws -> APIClient {
        // Vonage's API root may come from `region` instead of `url`.
        if profile.type == .vonage { return try VonageAuth.client(profile: profile, scope: "users:read", app: app) }
        let url = try requireURL(profile)
        switch profile.type {
        case .portsip:
            guard let token = profile.secret("token") else {
                throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                               message: "\(profile.label) has no token; run: pbxctl login" + (profile.name.map { " -p \($0)" } ?? ""), backend: "portsip")
            }
            let client = try app.makeClient(Connection(backend: "portsip", baseURL: apiBase(url, prefix: "/api"), auth: .bearer(token)))
            if let name = profile.name, profile.source != .sandbox, profile.source != .environment, profile.secret("refresh_token") != nil {
                client.refreshAuth = { [weak app] in try app?.refreshPortSIPToken(profile: name) }
            }
            return client
        case .rocketchat, .commpeak:
            return try makeOtherClient(profile: profile, url: url, app: app)
        case .vonage:
            throw APIError.usage("internal: vonage handled above")
        }
    }

    static func makeOtherClient(profile: ResolvedProfile, url: String, app: App) throws -> APIClient {
        switch profile.type {
        case .rocketchat:
            guard let userId = profile.setting("user_id"), let token = profile.secret("auth_token") else {
                throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                               message: "\(profile.label) needs user_id and auth_token; run: pbxctl login" + (profile.name.map { " -p \($0)" } ?? ""), backend: "rocketchat")
            }
            return try app.makeClient(Connection(backend: "rocketchat", baseURL: apiBase(url, prefix: "/api/v1"),
                                                 auth: .headerPair([("X-Auth-Token", token), ("X-User-Id", userId)]), secretVariable: "PBXCTL_ROCKETCHAT_AUTH_TOKEN"))
        case .commpeak:
            guard let username = profile.setting("username"), let password = profile.secret("password") else {
                throw APIError(kind: .http, status: 401, code: "NOT_LOGGED_IN",
                               message: "\(profile.label) needs username and password; run: pbxctl login" + (profile.name.map { " -p \($0)" } ?? ""), backend: "commpeak")
            }
            if url.hasPrefix("http://"), profile.source != .sandbox, !url.contains("://127.0.0.1"), !url.contains("://localhost") {
                app.io.err("warning: \(profile.label) uses plain http; CommPeak's API is HTTPS only and Basic auth sends the password in the clear\n")
            }
            return try app.makeClient(Connection(backend: "commpeak", baseURL: apiBase(url, prefix: "/api"),
                                                 auth: .basic(username: username, password: password), secretVariable: "PBXCTL_COMMPEAK_BASIC"))
        case .portsip, .vonage:
            throw APIError.usage("internal: \(profile.type.rawValue) handled in makeClient")
        }
    }

    /// Vonage's User Admin API root: `url`, else derived from `region`.
    static func vonageURLs(_ profile: ResolvedProfile) throws -> (api: String, token: String) {
        let region = profile.setting("region")
        guard let api = profile.setting("url") ?? region.map({ "https://\($0).api.newvoicemedia.com/useradmin" }) else {
            throw APIError.usage("\(profile.label) needs url or region (emea, nam, apac)")
        }
        guard api.hasPrefix("https://") || api.hasPrefix("http://") else { throw APIError.usage("\(profile.label): url must start with https://") }
        let token = profile.setting("token_url") ?? region.map { "https://\($0).cc.vonage.com/Auth/connect/token" }
        guard let token else { throw APIError.usage("\(profile.label) needs token_url (or region) to obtain a token") }
        return (api, token)
    }
}

extension App {
    /// PortSIP's `POST /api/auth/refresh_token`, once, with the stored refresh token;
    /// the new tokens replace the old ones in `credentials` (0600, atomic).
    func refreshPortSIPToken(profile name: String) throws -> AuthScheme? {
        // Several profiles may run side by side in this process (-p a,b): each saves the
        // credentials file from a fresh read, one at a time, so none undoes another's.
        FleetRun.credentialsLock.lock()
        defer { FleetRun.credentialsLock.unlock() }
        let store = try ConfigStore(path: try store().configPath, warn: { _ in })
        guard let profile = try store.profile(named: name), let refreshToken = profile.secret("refresh_token"), let url = profile.setting("url") else { return nil }
        let client = try makeClient(Connection(backend: "portsip", baseURL: Backends.apiBase(url, prefix: "/api"), auth: .none))
        let answer: APIResponse
        do {
            answer = try client.call("POST", "/auth/refresh_token", body: ["refresh_token": .string(refreshToken)])
        } catch let error as APIError where error.kind == .http {
            throw APIError(kind: .http, status: 401, code: "UNAUTHORIZED", message: "the session has expired; run pbxctl login -p \(name)", backend: "portsip")
        }
        guard let token = answer.json?["access_token"]?.stringValue else { return nil }
        store.setSecret(name, "token", token)
        if let refresh = answer.json?["refresh_token"]?.stringValue { store.setSecret(name, "refresh_token", refresh) }
        if let seconds = answer.json?["expires_in"]?.intValue {
            store.setSecret(name, "expires_at", RFC3339.format(Date().addingTimeInterval(Double(seconds))))
        }
        try store.saveCredentials()
        if line.bool("verbose") { io.err("* refreshed the access token of profile '\(name)'\n") }
        return .bearer(token)
    }
}
