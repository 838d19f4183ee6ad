import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `login` and `logout`.
enum LoginCommands {
    static let username = FlagKey<String?>.string("username", value: "NAME", help: "the account to log in as (default: the profile's username)")

    static var login: Command {
        let command = Command("login", "Obtain and store a token for a profile",
                details: "Obtain and store a token for a profile. PortSIP: POST /api/login with the profile's username (and domain); the password is read from a no-echo prompt on a terminal, or from --password-stdin. The tokens are written to the credentials file (mode 0600).",
                flags: Flag.of(username, CommonFlags.passwordStdin),
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
    static func targetProfile(_ app: App) throws -> Profile {
        if app.sandbox != nil {
            return try app.resolveProfile(app.globals.profile.flatMap(app.backends.sandboxType) ?? app.backends.primary.type)
        }
        if let name = app.globals.profile ?? app.environment["PBXCTL_PROFILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let profile = try app.store().profile(named: name) else {
                throw APIError.usage(lines: ["no profile named '\(name)'"] + Suggest.hintLines(name, among: try app.store().profileNames))
            }
            return profile.chosen(.flag)
        }
        let all = try app.store().profiles()
        let chosen = all.count == 1 ? all.first : (all.filter(\.isDefault).count == 1 ? all.first(where: \.isDefault) : nil)
        guard let chosen else {
            throw APIError.usage(all.isEmpty ? "no profile is configured; add one with: pbxctl config set NAME --type portsip --url URL --username USER" : "which profile? pass --profile NAME (one of \(all.compactMap(\.name).joined(separator: ", ")))")
        }
        return chosen.chosen(.onlyProfile)
    }

    static func readPassword(_ invocation: Invocation, prompt: String) throws -> String {
        if invocation.line[CommonFlags.passwordStdin] { return try invocation.io.secretFromStdin() }
        guard invocation.io.stdinIsTTY else {
            throw APIError.usage("no terminal to ask for the password on; use --password-stdin")
        }
        guard let text = invocation.io.secret(prompt: prompt), !text.isEmpty else { throw APIError.usage("no password given") }
        return text
    }

    static func runLogin(_ invocation: Invocation) throws {
        let app = invocation.app
        let profile = try targetProfile(app)
        try app.backends.require(profile.type).login(profile, invocation: invocation)
    }

    static func saveSecrets(_ app: App, _ profile: Profile, _ values: [(String, String?)]) throws {
        guard let name = profile.name, profile.keepsCredentials else { return }
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
