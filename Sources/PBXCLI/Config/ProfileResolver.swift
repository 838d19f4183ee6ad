import PBXClient
import PBXEngine
import PBXSandbox

extension App {
    /// docs/cli.md's order: `--profile`; the type's connection variables; `PBXCTL_PROFILE`;
    /// the type's `default = true` profile; its only profile. Else exit 2 saying how to add one.
    public func resolveProfile(_ type: BackendType) throws -> Profile {
        let backend = try backends.require(type)
        if let sandbox {
            if let name = globals.profile, let named = backends.sandboxType(name), named != type {
                throw Self.wrongType(name, is: named, for: line.command, needs: [type])
            }
            return backend.sandboxProfile(baseURL: sandbox.baseURL, options: sandbox.options)
        }
        if let name = globals.profile {
            return try named(name, type: type, strict: true)!
        }
        if let fromEnvironment = backend.environmentProfile(environment) {
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
            throw APIError.usage("several \(type.rawValue) profiles say default = true (\(defaults.compactMap(\.name).joined(separator: ", "))); run: pbxctl config use NAME")
        }
        if let chosen = defaults.first {
            return chosen.chosen(.defaultProfile)
        }
        if candidates.count == 1 {
            let only = candidates[0]
            return only.chosen(.onlyProfile)
        }
        if candidates.count > 1 {
            throw APIError.usage("several \(type.rawValue) profiles are configured (\(candidates.compactMap(\.name).joined(separator: ", "))) and none is the default; pass --profile NAME or run: pbxctl config use NAME")
        }
        throw APIError.usage(lines: ["no \(type.rawValue) profile is configured. Add one with:", "  pbxctl config set NAME --type \(type.rawValue) --url URL",
                                     backend.environmentHint, "or try the built-in sandbox: pbxctl --sandbox ..."])
    }

    /// The type of a named profile (`sandbox-TYPE` under --sandbox), if it exists.
    func profileType(named name: String) throws -> BackendType? {
        if sandbox != nil { return backends.sandboxType(name) }
        return try store().profile(named: name)?.type
    }

    private func named(_ name: String, type: BackendType, strict: Bool) throws -> Profile? {
        let store = try store()
        guard let profile = try store.profile(named: name) else {
            if !strict { return nil }
            let names = store.profileNames
            throw APIError.usage(lines: ["no profile named '\(name)' in \(store.configPath)"] + Suggest.hintLines(name, among: names)
                + (names.isEmpty ? [] : ["", "Configured profiles: \(names.joined(separator: ", "))"]))
        }
        guard profile.type == type else {
            if !strict { return nil }
            throw Self.wrongType(name, is: profile.type, for: line.command, needs: [type])
        }
        return profile.chosen(.flag)
    }

    /// A profile named for a command that runs on other types: a usage error, whether
    /// named by `--profile` or in a list of several.
    static func wrongType(_ name: String, is type: BackendType, for command: Command, needs: [BackendType]) -> APIError {
        APIError.usage("profile '\(name)' is a \(type.rawValue) profile, but '\(command.fullName)' needs a \(needs.map(\.rawValue).joined(separator: " or ")) one")
    }
}
