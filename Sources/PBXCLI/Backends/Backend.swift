import PBXClient
import PBXEngine
import PBXSandbox

/// Everything pbxctl knows about one kind of server, in one place: what a profile of
/// its type holds, how to connect and log in, how `api --paginate` pages, and the
/// commands it adds to the tree. The registry (`BackendRegistry`) holds one of each;
/// nothing outside the backend files asks which type a profile is.
public protocol Backend: Sendable {
    var type: BackendType { get }
    /// Settings a profile of this type reads from `config`, `url` first; `config set`
    /// accepts these (and `default`), and lists them in this order.
    var settingKeys: [String] { get }
    /// Secrets it reads from `credentials`; `config set` accepts these and no others.
    var secretKeys: [String] { get }
    /// Secrets pbxctl writes itself (cached tokens): secret, but never set by hand.
    var cachedSecretKeys: [String] { get }
    /// A setting that stands in for `url` in a new profile, and how to say so.
    var urlStandIn: (key: String, hint: String)? { get }
    /// The connection variables that make a profile without a config file.
    var environmentVariables: [EnvironmentVariable] { get }
    /// Variables any one of which makes an environment connection; by default the first.
    var environmentTriggers: [String] { get }
    /// The line naming those variables in the "no profile is configured" error.
    var environmentHint: String { get }
    /// The API's root under the profile's `url` (`/api`), which `api PATH` may repeat;
    /// nil when `url` is the API root itself.
    var apiPrefix: String? { get }
    /// How `api --paginate` asks for the next page.
    var pageStyle: PageStyle { get }

    /// The profile `--sandbox` uses, pointing at that sandbox's API for this type.
    func sandboxProfile(baseURL: String, options: SandboxOptions) -> Profile
    /// A client with the profile's auth, refreshing it where the backend can.
    func connect(_ profile: Profile, app: App) throws -> APIClient
    /// `pbxctl login` for a profile of this type.
    func login(_ profile: Profile, invocation: Invocation) throws
    /// Adds this backend's commands to the tree (or lets it serve existing ones).
    func install(in root: Command)
    /// Rejects a `config set KEY=VALUE` this backend could not use; by default accepts all.
    func checkSetting(_ key: String, _ value: String, label: String) throws
    /// Said when `config set` refuses a secret key, before the list of accepted ones.
    func refusedSecretNote(profile name: String) -> String
}

extension Backend {
    public var cachedSecretKeys: [String] { [] }
    public var urlStandIn: (key: String, hint: String)? { nil }
    public var environmentTriggers: [String] { Array(environmentVariables.prefix(1).map(\.name)) }
    public var pageStyle: PageStyle { .skipTop(pageSize: 100) }
    public func checkSetting(_ key: String, _ value: String, label: String) throws {}
    public func refusedSecretNote(profile name: String) -> String { "" }

    /// The environment connection: nil unless a trigger variable is set; empty values count as unset.
    public func environmentProfile(_ environment: [String: String]) -> Profile? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard environmentTriggers.contains(where: { value($0) != nil }) else { return nil }
        var settings: [String: String] = [:]
        var secrets: [String: String] = [:]
        for variable in environmentVariables {
            guard let text = value(variable.name) else { continue }
            if variable.secret { secrets[variable.key] = text } else { settings[variable.key] = text }
        }
        return Profile(name: nil, type: type, settings: settings, secrets: secrets, source: .environment)
    }

    /// `sandbox-portsip`: the name `--sandbox` gives this type's profile.
    public var sandboxProfileName: String { "sandbox-\(type.rawValue)" }
}

/// One connection variable: the profile key it fills, and whether that key is a secret.
public struct EnvironmentVariable: Sendable {
    public var name: String
    public var key: String
    public var secret: Bool

    public init(_ name: String, _ key: String, secret: Bool = false) {
        self.name = name
        self.key = key
        self.secret = secret
    }
}
