import PBXClient
import PBXEngine

extension Command {
    /// Lets another backend serve this command with a run of its own: the profile the
    /// command line picks decides which run goes (`users get` on a CommPeak profile).
    func serve(_ type: BackendType, run: @escaping (Invocation) throws -> Void) {
        otherBackends.append(type)
        let previous = self.run
        self.run = { invocation in
            if try invocation.backendType() == type { try run(invocation) } else { try previous?(invocation) }
        }
    }
}

extension Invocation {
    /// The backend this run talks to: the command's own, or one of the others it
    /// serves when the profile chosen is of that type.
    public func backendType() throws -> BackendType { try app.backendType(for: command) }

    /// A client for that backend, with the chosen profile's auth.
    public func client() throws -> APIClient { try app.client(backendType()) }

    /// The profile chosen for that backend.
    public func profile() throws -> Profile { try app.resolveProfile(backendType()) }
}

extension App {
    /// For a command several backends serve: another one when the profile chosen by
    /// name is of its type, or when only a profile of its type resolves.
    func backendType(for command: Command) throws -> BackendType {
        guard let primary = command.backend else { throw APIError.usage("internal: '\(command.fullName)' names no backend") }
        let others = command.otherBackends
        if others.isEmpty { return primary }
        if let name = globals.profile {
            let named = try profileType(named: name)
            return others.first { $0 == named } ?? primary
        }
        if sandbox != nil || backends.backend(primary)?.environmentProfile(environment) != nil { return primary }
        if let name = environment["PBXCTL_PROFILE"], !name.isEmpty, let named = try profileType(named: name), others.contains(named) { return named }
        do {
            _ = try resolveProfile(primary)
            return primary
        } catch let error as APIError where error.kind == .usage {
            // Only when no profile of the primary type exists at all: an ambiguous choice
            // is the user's to make, not a reason to talk to another backend.
            if try !store().profiles().contains(where: { $0.type == primary }), let other = others.first(where: { (try? resolveProfile($0)) != nil }) { return other }
            throw error
        }
    }
}
