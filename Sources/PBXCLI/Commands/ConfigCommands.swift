import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// `config list|show|set|delete|use|path`: manages profiles, never prints a secret.
enum ConfigCommands {
    /// The backend types are the registry's, so the key is made from it.
    static func type(_ backends: BackendRegistry) -> FlagKey<String?> {
        .choice("type", backends.types.map(\.rawValue), value: "TYPE", help: "backend type (required for a new profile)")
    }

    static let url = FlagKey<String?>.string("url", value: "URL", help: "the server's base URL")

    static func group(_ backends: BackendRegistry) -> Command {
        let profileArgument = Argument("NAME", "profile name", completion: .profiles)
        return Command("config", "Manage profiles (backends and their credentials)", children: [
            Command("list", "List profiles", examples: ["pbxctl config list", "pbxctl config list -q"], run: list),
            Command("show", "Show a profile's settings (secrets are never shown)", arguments: [profileArgument],
                    examples: ["pbxctl config show prod"], run: show),
            Command("set", "Create or change a profile",
                    details: "Create or change a profile. Secret keys the profile's type reads (token, client_secret, auth_token, jwt_secret, password) go to the credentials file (mode 0600); any other is refused. Prefer `pbxctl login`, which asks for the password without echo.",
                    arguments: [profileArgument, Argument("KEY=VALUE", "more settings (username, domain, user_id, region, client_id, token_url, default)", optional: true, variadic: true)],
                    flags: Flag.of(type(backends), url),
                    examples: ["pbxctl config set prod --type portsip --url https://pbx.example.com:8887 username=admin default=true"],
                    run: set),
            Command("delete", "Delete a profile and its credentials", arguments: [profileArgument], flags: [CommonFlags.yes.flag],
                    examples: ["pbxctl config delete old-pbx --yes"], run: delete),
            Command("use", "Make a profile the default of its type", arguments: [profileArgument], examples: ["pbxctl config use prod"], run: use),
            Command("path", "Print where the config and credentials files are", examples: ["pbxctl config path"], run: path),
        ])
    }

    static func list(_ invocation: Invocation) throws {
        let store = try invocation.app.store()
        let renderer = Renderer(options: invocation.app.output, sink: invocation.io.stdout, defaultColumns: ["name", "type", "url", "default", "logged_in"], idKey: "name")
        let rows: [JSON] = try store.profiles().map { profile in
            .object(JSONObject([
                ("name", .string(profile.name ?? "")), ("type", .string(profile.type.rawValue)), ("url", .string(profile.setting("url").map(Redaction.url) ?? profile.setting("region") ?? "")),
                ("default", .bool(profile.isDefault)),
                ("logged_in", .bool(!profile.secrets.filter { !$0.value.isEmpty }.isEmpty)),
            ]))
        }
        renderer.emit(rows)
        renderer.finishList()
    }

    static func show(_ invocation: Invocation) throws {
        let name = try invocation.require("NAME")
        let store = try invocation.app.store()
        guard let profile = try store.profile(named: name) else { throw missing(name, store) }
        var object = JSONObject([("name", .string(name))])
        let preferred = ["type"] + invocation.app.backends.settingKeys + ["default"]
        for (key, value) in profile.settings.sorted(by: { order($0.key, preferred) < order($1.key, preferred) }) { object[key] = .string(key.hasSuffix("url") ? Redaction.url(value) : value) }
        object["credentials"] = .array(profile.secrets.filter { !$0.value.isEmpty }.keys.sorted().map { .string("\($0) (set)") })
        Renderer(options: invocation.app.output, sink: invocation.io.stdout, idKey: "name").single(.object(object))
        if !profile.misplacedSecrets.isEmpty {
            invocation.io.err("warning: \(store.configPath) holds \(profile.misplacedSecrets.joined(separator: ", ")) of profile '\(name)'; secrets belong in \(store.credentialsPath) (mode 0600): run pbxctl config set \(name) KEY=VALUE for each, then delete them from the config file\n")
        }
    }

    static func order(_ key: String, _ preferred: [String]) -> String {
        preferred.firstIndex(of: key).map { String(format: "%02d", $0) } ?? "99" + key
    }

    static func set(_ invocation: Invocation) throws {
        let line = invocation.line
        let name = try invocation.require("NAME")
        guard ConfigStore.isValidProfileName(name) else {
            throw APIError.usage("\(name.debugDescription) is not a usable profile name: start with a letter or digit, then use letters, digits, '.', '_' and '-'")
        }
        let store = try invocation.app.store()
        let existing = try? store.profile(named: name)
        let backends = invocation.app.backends
        let typeName = line[Self.type(backends)] ?? existing?.type.rawValue
        guard let typeName, let backend = backends.backend(named: typeName) else {
            throw APIError.usage("a new profile needs --type (\(backends.typeList()))")
        }
        let type = backend.type
        var settings: [(String, String)] = [("type", type.rawValue)]
        if let url = line[Self.url] {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else { throw APIError.usage("--url must start with https:// or http://") }
            settings.append(("url", url))
        }
        var secrets: [(String, String)] = []
        for pair in line.variadic("KEY=VALUE") {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else { throw APIError.usage("'\(pair)' is not KEY=VALUE") }
            let key = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            if backends.secretKeys.contains(key) {
                let used = backend.secretKeys
                guard used.contains(key) else {
                    let login = backend.refusedSecretNote(profile: name)
                    throw APIError.usage("\(type.rawValue) profiles never use '\(key)'; \(login)the secrets they read (\(used.joined(separator: ", "))) go in the credentials file \(store.credentialsPath) (mode 0600)")
                }
                secrets.append((key, value))
                invocation.io.err("warning: \(key) given on the command line is visible to other users (ps) and kept in shell history; instead use pbxctl login -p \(name), or edit \(store.credentialsPath) (mode 0600)\n")
            } else {
                let allowed = backend.settingKeys + ["default"]
                guard allowed.contains(key) || key == "type" || key == "url" else {
                    throw APIError.usage(lines: ["'\(key)' is not a setting of \(type.rawValue) profiles (\(allowed.joined(separator: ", ")))"] + Suggest.hintLines(key, among: allowed))
                }
                if key == "default", !["true", "false"].contains(value) { throw APIError.usage("default takes true or false") }
                if key == "type", value != type.rawValue {
                    throw APIError.usage("type=\(value) contradicts the profile's type \(type.rawValue); change a profile's type with --type")
                }
                if key == "url", !(value.hasPrefix("https://") || value.hasPrefix("http://")) { throw APIError.usage("url must start with https:// or http://") }
                try backend.checkSetting(key, value, label: "profile '\(name)'")
                settings.append((key, value))
            }
        }
        for (key, value) in settings + secrets where value.containsControlCharacter {
            throw APIError.usage("\(key): the value holds a control character (a line break or similar); nothing was written")
        }
        let standIn = backend.urlStandIn
        if existing == nil, !settings.contains(where: { $0.0 == "url" }), !settings.contains(where: { $0.0 == standIn?.key }) {
            throw APIError.usage("a new profile needs --url" + (standIn?.hint ?? ""))
        }
        try store.update {
            if settings.contains(where: { $0 == ("default", "true") }) { clearDefaults(store, type: type, except: name) }
            for (key, value) in settings { try store.setSetting(name, key, value) }
            for (key, value) in secrets { try store.setSecret(name, key, value) }
        }
        invocation.io.err("\(existing == nil ? "Added" : "Updated") profile \(name) in \(store.configPath)\n")
    }

    static func clearDefaults(_ store: ConfigStore, type: BackendType, except name: String) {
        for profile in (try? store.profiles()) ?? [] where profile.type == type && profile.name != name && profile.isDefault {
            guard let other = profile.name else { continue }
            try? store.setSetting(other, "default", nil)
        }
    }

    static func delete(_ invocation: Invocation) throws {
        let name = try invocation.require("NAME")
        let store = try invocation.app.store()
        guard try store.profile(named: name) != nil else { throw missing(name, store) }
        try invocation.confirm("Delete profile \(name) and its credentials?")
        try store.update { store.removeProfile(name) }
        invocation.io.err("Deleted profile \(name)\n")
    }

    static func use(_ invocation: Invocation) throws {
        let name = try invocation.require("NAME")
        let store = try invocation.app.store()
        guard let profile = try store.profile(named: name) else { throw missing(name, store) }
        try store.update {
            clearDefaults(store, type: profile.type, except: name)
            try store.setSetting(name, "default", "true")
        }
        invocation.io.err("Profile \(name) is now the default \(profile.type.rawValue) profile\n")
    }

    static func path(_ invocation: Invocation) throws {
        let store = try invocation.app.store()
        invocation.io.out(store.configPath + "\n" + store.credentialsPath + "\n")
    }

    static func missing(_ name: String, _ store: ConfigStore) -> APIError {
        APIError.usage(lines: ["no profile named '\(name)' in \(store.configPath)"] + Suggest.hintLines(name, among: store.profileNames))
    }
}
