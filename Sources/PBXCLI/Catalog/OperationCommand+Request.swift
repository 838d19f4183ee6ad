import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// The request a command line asks for: path, query and body from flags and arguments.
extension OperationCommand {
    static func buildPlan(_ operation: Operation, _ invocation: Invocation) throws -> RequestPlan {
        let line = invocation.line
        var template = operation.path
        var parameters: [PathParameter] = []
        if let user = line[adminUser], let adminPath = operation.adminPath {
            template = adminPath
            parameters.append(.user(user))
        }
        var body: JSONObject?
        var typedAs: [String: String] = [:]
        let spec = operation.specOperation
        if spec?.bodySchema != nil {
            body = operation.defaults
            if let data = line[BodyFlags.data] {
                body!.merge(try BodyInput.readJSONObject(data, io: invocation.io))
            }
            for bodyFlag in operation.bodyFlags {
                guard let text = line.value(named: bodyFlag.flag) else { continue }
                let schema = spec?.bodySchema.flatMap { SchemaValidator.schema(of: $0, path: bodyFlag.key) }
                body!.set(path: bodyFlag.key, to: BodyInput.typed(text, schemaType: schema.flatMap(SchemaValidator.type(of:))))
                typedAs[bodyFlag.key] = "--" + bodyFlag.flag
            }
            var warned = Set<String>()
            for (flag, assignment) in line[BodyFlags.rawField].map({ ("-F", $0) }) + line[BodyFlags.field].map({ ("-f", $0) }) {
                let (key, value) = try BodyInput.assignment(assignment, typed: flag == "-F")
                body!.set(path: key, to: value)
                typedAs[key] = nil
                if Redaction.isSecretKey(key) || operation.secrets.contains(where: { $0.key == key }), !(flag == "-F" && assignment.dropFirst(key.count + 1).hasPrefix("@")),
                   warned.insert(key).inserted {
                    invocation.io.err(BodyInput.argvSecretWarning(key, operation) + "\n")
                }
            }
        }
        for (index, argument) in operation.arguments.enumerated() {
            let values = argument.variadic ? Array(line.positionals.dropFirst(index)) : (index < line.positionals.count ? [line.positionals[index]] : [])
            guard let first = values.first else { continue }
            switch argument.role {
            case .path, .user, .userWhen:
                parameters.append(argument.resolvesUser(line) ? .user(first) : .value(first))
            case .body(let key):
                if body == nil { body = JSONObject() }
                let schema = spec?.bodySchema.flatMap { SchemaValidator.schema(of: $0, path: key) }
                body!.set(path: key, to: BodyInput.typed(first, schemaType: schema.flatMap(SchemaValidator.type(of:))))
                typedAs[key] = argument.name
            case .bodyList(let key):
                if body == nil { body = JSONObject() }
                body!.set(path: key, to: .array(values.map(JSON.string)))
                typedAs[key] = argument.name
            }
        }
        var plan = RequestPlan(method: operation.method, parameters: parameters, body: body, template: template)
        plan.typedAs = typedAs
        if operation.confirm {
            let target = line.positionals.first.map { " \($0)" } ?? ""
            plan.confirmQuestion = "\(operation.words.last!.replacingOccurrences(of: "-", with: " ").capitalizedFirst) \(operation.noun)\(target)?"
        }
        if operation.shape == .list {
            for key in ListFlags.query {
                if let value = line[key] { plan.query.append((key.long, value)) }
            }
        }
        return plan
    }

    /// Turns user parameters into user IDs; an extension number is looked up with a
    /// filter on `extension_number`.
    static func resolveUsers(_ plan: inout RequestPlan, _ operation: Operation, _ invocation: Invocation, _ client: APIClient) throws {
        for (index, parameter) in plan.parameters.enumerated() {
            guard case .user(let value) = parameter else { continue }
            plan.parameters[index] = .value(try UserResolver.resolve(value, client: client, io: invocation.io))
        }
    }
}
