import PBXCatalog
import PBXEngine
import PBXJSON

/// The client-side checks of a request body, the same for one command line
/// (`OperationCommand.validate`) and for every row of an import: unknown fields, the
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

    init(operationId: String, schema: JSON, rules: PortSIPRuleSet?, path: String = "") {
        self.operationId = operationId
        self.schema = schema
        self.rules = rules
        self.path = path
        known = SchemaValidator.propertyNames(of: schema)
        knownSet = Set(known)
    }

    /// Every problem with `body`. Each field is told by its first problem (see
    /// `firstPerField`), so the order is the choice of message: a misspelt field, then
    /// the prose rule, which says it best, then the generic checks.
    func problems(_ body: JSONObject) -> [SchemaViolation] {
        var problems: [SchemaViolation] = []
        for key in body.keys where !knownSet.contains(key) {
            problems.append(SchemaViolation(field: key, message: "is not a field of \(operationId)" + Suggest.hint(key, among: known).replacingOccurrences(of: "\n\n", with: "; ")))
        }
        if let rules { problems += PortSIPRules.bodyProblems(body, rules: rules, path: path) }
        problems += InputChecks.problems(body, schema: schema)
        problems += SchemaValidator.validate(.object(body), against: schema, at: "")
        return problems
    }

    /// One problem per field, the first found.
    static func firstPerField(_ problems: [SchemaViolation]) -> [SchemaViolation] {
        var seen = Set<String>()
        return problems.filter { seen.insert($0.field).inserted }
    }
}
