import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// What a command does, by the shape of its endpoint.
public enum Shape: String, Sendable {
    case list, get, create, update, delete, action
}

/// Where a positional argument goes in the request.
public enum ArgumentRole: Sendable {
    /// Fills the next `{placeholder}` of the path template.
    case path
    /// A user ID or extension number, resolved to the ID, filling the next placeholder.
    case user
    /// `.user` when the flag has the value, `.path` otherwise: an extension contact's
    /// ID is its user's ID (`contacts favorite 1001 --kind extension`).
    case userWhen(flag: String, is: String)
    /// A body field.
    case body(String)
    /// A body field holding a list of the values (`layout MID PID...`).
    case bodyList(String)
}

public struct OperationArgument: Sendable {
    /// Whether this run resolves the argument as a USER (an ID or an extension number).
    func resolvesUser(_ line: ParsedCommandLine) -> Bool {
        switch role {
        case .user: return true
        case .userWhen(let flag, let value): return line.value(named: flag) == value
        default: return false
        }
    }

    public var name: String
    public var help: String
    public var role: ArgumentRole
    public var optional = false
    public var variadic = false

    public init(_ name: String, _ help: String, _ role: ArgumentRole, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.help = help
        self.role = role
        self.optional = optional
        self.variadic = variadic
    }
}

/// A named flag that sets one body field (`--extension` → `extension_number`).
public struct BodyFlag: Sendable {
    public var flag: String
    public var key: String
    /// Nil: the vendor document's description of the field says it.
    public var help: String?

    public init(_ flag: String, _ key: String, _ help: String? = nil) {
        self.flag = flag
        self.key = key
        self.help = help
    }
}

/// A body field that is a secret: never asked for in argv; read from a no-echo prompt
/// on a terminal, `--password-stdin` (the first one), `-F key=@FILE` or `--data`.
public struct SecretField: Sendable {
    public var key: String
    public var prompt: String

    public init(_ key: String, _ prompt: String) {
        self.key = key
        self.prompt = prompt
    }

    /// Whether it sets a secret (asked twice) rather than proving one (`old_password`).
    public var isNew: Bool { !key.hasPrefix("old_") }
}

/// One catalog entry: a command of the PortSIP catalog, as data.
public struct Operation: Sendable {
    public var words: [String]
    public var summary: String
    public var shape: Shape
    public var method: String
    /// A path template of the vendor document (`/users/{id}/phones`), the current-user form when there are two.
    public var path: String
    /// The admin form, used with `--user USER` (`/users/{user}/phones`).
    public var adminPath: String?
    public var arguments: [OperationArgument] = []
    public var bodyFlags: [BodyFlag] = []
    public var secrets: [SecretField] = []
    /// Default table columns of what it prints.
    public var columns: [String] = []
    public var idKey = "id"
    /// Where a `get` answer holds the record (`AnswerRecord`): nil for the answer itself.
    public var recordPath: String?
    /// Which prose rules (PortSIPRules) its body must follow.
    public var rules: PortSIPRuleSet?
    public var examples: [String] = []
    public var confirm = false
    /// Fields of the answer that hold secrets (a phone's web password): shown as ***
    /// unless `--show-secrets`.
    public var secretOutputFields: [String] = []
    /// Lists every page whether or not `--all` is given (`users export`).
    public var alwaysAll = false
    /// What the success message calls the object (`user`, `role`).
    public var noun: String
    /// Fixed body fields (e.g. roles start with no permissions).
    public var defaults: JSONObject = JSONObject()
    /// More local flags (a variant's flags come with it).
    public var extraFlags: [Flag] = []
    /// The other requests it can send, chosen by a flag or a missing argument.
    public var variants: [RequestVariant] = []
    /// Replaces the generic rendering of the answer.
    public var present: (@Sendable (JSON?, RequestPlan, Invocation) throws -> Void)?

    public init(_ words: [String], _ summary: String, _ shape: Shape, _ method: String, _ path: String, noun: String) {
        self.words = words
        self.summary = summary
        self.shape = shape
        self.method = method
        self.path = path
        self.noun = noun
    }

    public var specOperation: SpecOperation? { PortSIPSpec.shared.operation(method, path) }
}

/// A value for a path placeholder, kept apart from the template until the URL is built.
public enum PathParameter: Equatable, Sendable {
    case value(String)
    /// A user ID or extension number, not yet resolved to an ID.
    case user(String)

    var text: String {
        switch self {
        case .value(let text), .user(let text): return text
        }
    }
}

/// The request the engine is about to send; a variant may change it.
public struct RequestPlan: Sendable {
    public var method: String
    /// The template's placeholders, in order.
    public var parameters: [PathParameter] = []
    public var query: [(String, String)] = []
    public var body: JSONObject?
    public var confirmQuestion: String?
    /// The path template the request follows, for validation against the vendor document.
    public var template: String
    /// Body fields the user set through a named flag or an argument, with what was typed
    /// (`extension_number` → `--extension`), so errors speak the user's words.
    public var typedAs: [String: String] = [:]

    /// The request path: every parameter is one encoded segment.
    public var path: String { PathTemplate.fill(template, parameters.map(\.text)) }
}
