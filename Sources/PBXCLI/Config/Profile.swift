import PBXEngine

/// A profile: non-secret settings from `config`, secrets from `credentials`, and where
/// it came from. The same value is read from the files, listed by `config`, and
/// handed to a backend once a command has chosen it.
public struct Profile: Sendable {
    /// `file` until a command chooses it; then how it was chosen.
    public enum Source: String, Sendable { case file, flag, environment, defaultProfile = "default", onlyProfile = "only", sandbox }
    /// Nil for an environment connection, which has no name.
    public var name: String?
    public var type: BackendType
    public var settings: [String: String]
    public var secrets: [String: String]
    public var source: Source
    /// Secret keys found in `config`, where they do not belong: used, never shown.
    public var misplacedSecrets: [String] = []

    public init(name: String?, type: BackendType, settings: [String: String], secrets: [String: String], source: Source, misplacedSecrets: [String] = []) {
        self.name = name
        self.type = type
        self.settings = settings
        self.secrets = secrets
        self.source = source
        self.misplacedSecrets = misplacedSecrets
    }

    public func setting(_ key: String) -> String? { settings[key].flatMap { $0.isEmpty ? nil : $0 } }
    public func secret(_ key: String) -> String? { secrets[key].flatMap { $0.isEmpty ? nil : $0 } }
    public var isDefault: Bool { ["true", "yes", "1"].contains(settings["default"]?.lowercased() ?? "") }
    public var label: String { name.map { "profile '\($0)'" } ?? "the \(type.rawValue) environment variables" }

    /// A stored profile once a command has picked it, and why.
    func chosen(_ source: Source) -> Profile {
        var profile = self
        profile.source = source
        return profile
    }

    /// Tokens a login or refresh obtains are written back only to a named profile
    /// from the files: the sandbox's and the environment's live only for this run.
    var keepsCredentials: Bool { name != nil && source != .sandbox && source != .environment }
}
