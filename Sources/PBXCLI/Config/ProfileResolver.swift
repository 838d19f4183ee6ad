import PBXClient
import PBXSandbox

/// The profile a command runs against, wherever it came from.
public struct ResolvedProfile {
    public enum Source: String { case flag, environment, defaultProfile = "default", onlyProfile = "only", sandbox }
    public var name: String?
    public var type: BackendType
    public var settings: [String: String]
    public var secrets: [String: String]
    public var source: Source

    public func setting(_ key: String) -> String? { settings[key].flatMap { $0.isEmpty ? nil : $0 } }
    public func secret(_ key: String) -> String? { secrets[key].flatMap { $0.isEmpty ? nil : $0 } }
    public var label: String { name.map { "profile '\($0)'" } ?? "the \(type.rawValue) environment variables" }
}

extension BackendType {
    /// `sandbox-portsip` → `.portsip`: the profile names `--sandbox` answers to.
    static func sandboxType(_ name: String) -> BackendType? {
        name.hasPrefix("sandbox-") ? BackendType(rawValue: String(name.dropFirst(8))) : nil
    }
}

extension App {
    /// docs/cli.md's order: `--profile`; the type's connection variables; `PBXCTL_PROFILE`;
    /// the type's `default = true` profile; its only profile. Else exit 2 saying how to add one.
    public func resolveProfile(_ type: BackendType) throws -> ResolvedProfile {
        if let sandbox {
            if let name = line.string("profile"), let named = BackendType.sandboxType(name), named != type {
                throw APIError.usage("profile '\(name)' is a \(named.rawValue) profile, but '\(line.command.fullName)' needs a \(type.rawValue) one")
            }
            return Backends.sandboxProfile(type, baseURL: sandbox.baseURL, signed: sandbox.options.rocketchatSigned)
        }
        if let name = line.string("profile") {
            return try named(name, type: type, strict: true)!
        }
        if let fromEnvironment = Backends.environmentProfile(type, environment: environment) {
            return fromEnvironment
        }
        if let name = environment["PBXCTL_PROFILE"], !name.isEmpty {
            // A profile of another type is skipped (one variable serves every backend's
            // commands), but a name that is no profile at all is a typo, never a fallback.
            guard try store().profile(named: name) != nil else {
                let names = try store().profileNames
                throw APIError.usage(lines: ["PBXCTL_PROFILE names no profile: '\(name)'"] + Suggest.hintLines(name, among: names)
                    + (names.isEmpty ? [] : ["", "Configured profiles: \(names.joined(separator: ", "))"]))
            }
            if let profile = try named(name, type: type, strict: false) { return profile }
        }
        let candidates = try store().profiles().filter { $0.type == type }
        let defaults = candidates.filter(\.isDefault)
        if defaults.count > 1 {
            throw APIError.usage("several \(type.rawValue) profiles say default = true (\(defaults.map(\.name).joined(separator: ", "))); run: pbxctl config use NAME")
        }
        if let chosen = defaults.first {
            return ResolvedProfile(name: chosen.name, type: type, settings: chosen.settings, secrets: chosen.secrets, source: .defaultProfile)
        }
        if candidates.count == 1 {
            let only = candidates[0]
            return ResolvedProfile(name: only.name, type: type, settings: only.settings, secrets: only.secrets, source: .onlyProfile)
        }
        if candidates.count > 1 {
            throw APIError.usage("several \(type.rawValue) profiles are configured (\(candidates.map(\.name).joined(separator: ", "))) and none is the default; pass --profile NAME or run: pbxctl config use NAME")
        }
        throw APIError.usage(lines: ["no \(type.rawValue) profile is configured. Add one with:", "  pbxctl config set NAME --type \(type.rawValue) --url URL",
                                     Backends.environmentHint(type), "or try the built-in sandbox: pbxctl --sandbox ..."])
    }

    /// The type of a named profile (`sandbox-TYPE` under --sandbox), if it exists.
    func profileType(named name: String) throws -> BackendType? {
        if sandbox != nil { return BackendType.sandboxType(name) }
        return try store().profile(named: name)?.type
    }

    /// `users get` serves PortSIP and CommPeak: a CommPeak profile chosen by name, or
    /// the only configured backend of the two, sends it to CommPeak.
    func backendForUsersGet() throws -> BackendType { try backend(.portsip, or: .commpeak) }

    /// For a command two backend types serve: the `secondary` type when the profile
    /// chosen by name is one, or when only a profile of that type resolves.
    func backend(_ primary: BackendType, or secondary: BackendType) throws -> BackendType {
        if let name = line.string("profile") { return try profileType(named: name) == secondary ? secondary : primary }
        if sandbox != nil || Backends.environmentProfile(primary, environment: environment) != nil { return primary }
        if let name = environment["PBXCTL_PROFILE"], !name.isEmpty, try profileType(named: name) == secondary { return secondary }
        do {
            _ = try resolveProfile(primary)
            return primary
        } catch let error as APIError where error.kind == .usage {
            // Only when no profile of the primary type exists at all: an ambiguous choice
            // is the user's to make, not a reason to talk to another backend.
            if try !store().profiles().contains(where: { $0.type == primary }), (try? resolveProfile(secondary)) != nil { return secondary }
            throw error
        }
    }

    private func named(_ name: String, type: BackendType, strict: Bool) throws -> ResolvedProfile? {
        let store = try store()
        guard let profile = try store.profile(named: name) else {
            if !strict { return nil }
            let names = store.profileNames
            throw APIError.usage(lines: ["no profile named '\(name)' in \(store.configPath)"] + Suggest.hintLines(name, among: names)
                + (names.isEmpty ? [] : ["", "Configured profiles: \(names.joined(separator: ", "))"]))
        }
        guard profile.type == type else {
            if !strict { return nil }
            throw APIError.usage("profile '\(name)' is a \(profile.type.rawValue) profile, but '\(line.command.fullName)' needs a \(type.rawValue) one")
        }
        return ResolvedProfile(name: name, type: type, settings: profile.settings, secrets: profile.secrets, source: .flag)
    }
}
