import PBXCatalog
import PBXEngine
import PBXJSON

/// The client-side checks of a request body, the same for one command line
/// (`OperationCommand.validate`), for every row of an import and of a roster
/// (`UsersPlan.validate`, which leaves the rest to the creates): unknown fields, the
/// prose rules, the input checks and the vendor schema. Made once per schema, so an
/// import of thousands of rows reads the schema's field names once.
struct RequestValidator {
    let operationId: String
    let schema: JSON
    /// PortSIP's prose rules for the resource, if it has any.
    let rules: PortSIPRuleSet?
    /// Where the body goes: some rules differ by list (speed-dial-8 or -100).
    let path: String
    private let known: [String]
    private let knownSet: Set<String>
    /// What an unknown field is said not to be a field of (the operation by default).
    private let owner: String
    /// Names a body may hold beside the schema's (a roster's `groups`).
    private let alsoKnown: [String]
    /// The input checks (empty required text, one email address): for a body about to be sent.
    private let inputChecks: Bool

    init(operationId: String, schema: JSON, rules: PortSIPRuleSet?, path: String = "", owner: String? = nil, alsoKnown: [String] = [],
         inputChecks: Bool = true) {
        self.operationId = operationId
        self.schema = schema
        self.rules = rules
        self.path = path
        self.owner = owner ?? operationId
        self.alsoKnown = alsoKnown
        self.inputChecks = inputChecks
        known = SchemaValidator.propertyNames(of: schema)
        knownSet = Set(known + alsoKnown)
    }

    /// Every problem with `body`. Each field is told by its first problem (see
    /// `firstPerField`), so the order is the choice of message: a misspelt field, then
    /// the prose rule, which says it best, then the generic checks.
    func problems(_ body: JSONObject) -> [SchemaViolation] {
        var problems: [SchemaViolation] = []
        for key in body.keys where !knownSet.contains(key) {
            problems.append(SchemaViolation(field: key, message: "is not a field of \(owner)" + Suggest.hint(key, among: known + alsoKnown).replacingOccurrences(of: "\n\n", with: "; ")))
        }
        if let rules { problems += PortSIPRules.bodyProblems(body, rules: rules, path: path) }
        if inputChecks { problems += InputChecks.problems(body, schema: schema) }
        problems += SchemaValidator.validate(.object(body), against: schema, at: "")
        return problems
    }

    /// Whether the problem is a field the schema does not have.
    static func isUnknownField(_ problem: SchemaViolation) -> Bool { problem.message.hasPrefix("is not a field of ") }

    /// One problem per field, the first found.
    static func firstPerField(_ problems: [SchemaViolation]) -> [SchemaViolation] {
        var seen = Set<String>()
        return problems.filter { seen.insert($0.field).inserted }
    }
}
