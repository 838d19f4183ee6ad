import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

extension OperationCommand {
    /// Client-side checks before anything is sent: unknown fields, the vendor schema
    /// (types, enums, lengths, required) and the prose rules. Exit 2 naming each field.
    static func validate(_ plan: RequestPlan, _ operation: Operation, pending: Set<String> = []) throws {
        guard let spec = PortSIPSpec.shared.operation(plan.method, plan.template) else { return }
        var problems: [SchemaViolation] = []
        if let body = plan.body, let schema = spec.bodySchema {
            problems += RequestValidator(operationId: spec.operationId, schema: schema, rules: operation.rules, path: plan.template).problems(body)
        }
        if plan.path.contains("//") || plan.path.hasSuffix("/") {
            problems.append(SchemaViolation(field: "path", message: "an ID argument is empty"))
        }
        problems.removeAll { pending.contains($0.field) && $0.message == "is required" }
        if !problems.isEmpty {
            let unique = RequestValidator.firstPerField(problems).map { inUserWords($0, plan, operation) }
            let hint = operation.secrets.isEmpty ? [] : ["(secrets are read from a prompt on a terminal, --password-stdin, -F KEY=@FILE or --data FILE)"]
            throw APIError.usage(lines: ["invalid request for '\(operation.words.joined(separator: " "))'; nothing was sent:"] + unique.map { "  " + $0 } + hint)
        }
    }

    /// A problem told by what the user typed (`--extension must be 3 to 64 digits
    /// (extension_number)`); a field missing altogether by the flag that would set it.
    static func inUserWords(_ problem: SchemaViolation, _ plan: RequestPlan, _ operation: Operation) -> String {
        let given = plan.body.flatMap { JSON.object($0).value(atPath: problem.field) } != nil
        let typed = plan.typedAs[problem.field] ?? (given ? nil : operation.bodyFlags.first { $0.key == problem.field }.map { "--" + $0.flag })
        guard let typed else { return problem.text }
        return "\(typed) \(problem.message) (\(problem.field))"
    }
}
