import PBXClient
import PBXEngine

/// The backends a run knows, in the order their commands join the tree. `standard`
/// is pbxctl's four; a test passes its own list to `PBXCLI.run`.
public struct BackendRegistry: Sendable {
    public let backends: [any Backend]

    public init(backends: [any Backend]) {
        var seen = Set<BackendType>()
        for backend in backends { precondition(seen.insert(backend.type).inserted, "backend \(backend.type.rawValue) is registered twice") }
        precondition(!backends.isEmpty, "a registry needs a backend")
        self.backends = backends
    }

    public static let standard = BackendRegistry(backends: [PortSIPBackend(), RocketChatBackend(), VonageBackend(), CommPeakBackend()])

    public var types: [BackendType] { backends.map(\.type) }

    /// The backend a command uses when nothing names one (`api` without `--profile`).
    public var primary: any Backend { backends[0] }

    public func backend(_ type: BackendType) -> (any Backend)? { backends.first { $0.type == type } }

    /// The backend of a type that command declarations name; one missing is a tree
    /// built for another registry, reported rather than trapped.
    public func require(_ type: BackendType) throws -> any Backend {
        guard let backend = backend(type) else { throw APIError.usage("no \(type.rawValue) backend is registered") }
        return backend
    }

    /// `type = NAME` from a file or `--type`, if some registered backend has it.
    public func backend(named name: String) -> (any Backend)? { backend(BackendType(rawValue: name)) }

    /// `sandbox-portsip` → PortSIP: the profile names `--sandbox` answers to.
    public func sandboxType(_ profileName: String) -> BackendType? {
        backends.first { $0.sandboxProfileName == profileName }?.type
    }

    /// Every key that belongs in `credentials`, whichever backend reads or writes it.
    public var secretKeys: Set<String> { Set(backends.flatMap { $0.secretKeys + $0.cachedSecretKeys }) }

    /// Every setting some backend reads, in registry order without repeats.
    public var settingKeys: [String] {
        var seen = Set<String>()
        return backends.flatMap(\.settingKeys).filter { seen.insert($0).inserted }
    }

    /// `portsip, rocketchat, vonage or commpeak`.
    public func typeList(_ conjunction: String = "or") -> String { Self.list(types.map(\.rawValue), conjunction) }

    static func list(_ words: [String], _ conjunction: String) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " \(conjunction) " + words.last!
    }
}
