import Foundation

/// The type a profile names (`type = portsip`). A struct, not an enum: a backend is
/// added by registering it, without editing a list of cases here.
public struct BackendType: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let portsip = BackendType(rawValue: "portsip")
    public static let rocketchat = BackendType(rawValue: "rocketchat")
    public static let vonage = BackendType(rawValue: "vonage")
    public static let commpeak = BackendType(rawValue: "commpeak")
}

/// A command is data: its words, arguments, flags, examples and the backend it needs.
/// One engine parses, validates, prints help, completes and documents them all.
///
/// Sendable by `lock` and by construction: the tree is built on one thread before any
/// run reads it, and `lock` guards the one part worked out later, on first use (the
/// deferred arguments and flags), which the parser and help may reach from any thread.
public final class Command: @unchecked Sendable {
    private let lock = NSLock()
    public let name: String
    public let summary: String
    public var details: String?
    public var arguments: [Argument] {
        get { lock.withLock { resolveDeferred(); return storedArguments } }
        set { lock.withLock { resolveDeferred(); storedArguments = newValue } }
    }
    public var flags: [Flag] {
        get { lock.withLock { resolveDeferred(); return storedFlags } }
        set { lock.withLock { resolveDeferred(); storedFlags = newValue } }
    }
    private var storedArguments: [Argument]
    private var storedFlags: [Flag]
    /// Arguments and flags worked out on first use: a run reads them for the few
    /// commands it touches, not for the whole tree (they may come from the vendor document).
    private var deferred: (@Sendable () -> (arguments: [Argument], flags: [Flag]))?
    public var examples: [String]
    public var backend: BackendType?
    /// Backends that serve this command too, chosen by the profile over `backend`.
    public var otherBackends: [BackendType] = []
    public private(set) var children: [Command] = []
    public private(set) weak var parent: Command?
    public var run: ((Invocation) throws -> Void)?
    public var aliases: [String]
    public var hidden: Bool
    /// Secrets the command needs, each with the ways to pass it without a terminal.
    public var secrets: [(key: String, ways: String)] = []
    /// On the root: the flags every command takes, before or after the command words.
    public var globalFlags: [Flag] {
        get { parent == nil ? storedGlobalFlags : root.globalFlags }
        set { storedGlobalFlags = newValue }
    }
    private var storedGlobalFlags: [Flag] = []

    public init(_ name: String, _ summary: String, details: String? = nil, arguments: [Argument] = [], flags: [Flag] = [],
                examples: [String] = [], backend: BackendType? = nil, aliases: [String] = [], hidden: Bool = false,
                children: [Command] = [], run: ((Invocation) throws -> Void)? = nil)
    {
        self.name = name
        self.summary = summary
        self.details = details
        storedArguments = arguments
        storedFlags = flags
        self.examples = examples
        self.backend = backend
        self.aliases = aliases
        self.hidden = hidden
        self.run = run
        for child in children { add(child) }
    }

    public convenience init(_ name: String, _ summary: String, examples: [String] = [], backend: BackendType? = nil,
                            deferred: @escaping @Sendable () -> (arguments: [Argument], flags: [Flag]), run: ((Invocation) throws -> Void)? = nil)
    {
        self.init(name, summary, examples: examples, backend: backend, run: run)
        self.deferred = deferred
    }

    /// With `lock` held.
    private func resolveDeferred() {
        guard let deferred else { return }
        self.deferred = nil
        (storedArguments, storedFlags) = deferred()
    }

    public func add(_ child: Command) {
        child.parent = self
        if let index = children.firstIndex(where: { $0.name == child.name }) {
            children[index] = child
        } else {
            children.append(child)
        }
    }

    public func child(named word: String) -> Command? {
        children.first { $0.name == word || $0.aliases.contains(word) }
    }

    public var path: [String] {
        var words: [String] = []
        var node: Command? = self
        while let current = node, current.parent != nil {
            words.insert(current.name, at: 0)
            node = current.parent
        }
        return words
    }

    public var root: Command {
        var node = self
        while let parent = node.parent { node = parent }
        return node
    }

    public var fullName: String { (["pbxctl"] + path).joined(separator: " ") }

    public var visibleChildren: [Command] { children.filter { !$0.hidden } }

    /// Every command below this one, depth first, this one included.
    public var allCommands: [Command] { [self] + children.flatMap(\.allCommands) }

    public var usageLine: String {
        var parts = [fullName]
        if !children.isEmpty && run == nil {
            parts.append("<command>")
        } else {
            for argument in arguments {
                let name = argument.name + (argument.variadic ? "..." : "")
                parts.append(argument.optional ? "[\(name)]" : name)
            }
        }
        parts.append("[flags]")
        return parts.joined(separator: " ")
    }
}
