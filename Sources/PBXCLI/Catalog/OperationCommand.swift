import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// Turns catalog entries into commands, and runs them: the one engine behind every
/// PortSIP command. Flags come from the entry's shape and from the vendor document
/// (a list gets `--filter` only where the operation accepts `filter`).
enum OperationCommand {
    static func make(_ operation: Operation) -> Command {
        let command = Command(operation.words.last!, operation.summary, examples: operation.examples, backend: .portsip,
                              deferred: { (arguments(operation), flags(operation)) }, run: { invocation in try run(operation, invocation) })
        command.secrets = operation.secrets.enumerated().map { index, secret in
            (secret.key, (index == 0 ? "--password-stdin, " : "") + "-F \(secret.key)=@FILE or --data FILE")
        }
        return command
    }

    /// On a personal operation with an admin twin: whose records to act on.
    static let adminUser = FlagKey<String?>.string("user", value: "USER", help: "act on this user (ID or extension) through the admin API instead of yourself")

    static func flags(_ operation: Operation) -> [Flag] {
        var flags: [Flag] = []
        let spec = operation.specOperation
        if operation.shape == .list {
            if !operation.alwaysAll { flags.append(ListFlags.all.flag) }
            flags.append(ListFlags.limit.flag)
            if spec?.queryParameter("top") != nil { flags.append(ListFlags.pageSize.flag) }
            for key in ListFlags.query where spec?.queryParameter(key.long) != nil { flags.append(key.flag) }
        }
        for bodyFlag in operation.bodyFlags {
            let schema = spec?.bodySchema.flatMap { SchemaValidator.schema(of: $0, path: bodyFlag.key) }
            let kind: ValueKind
            switch schema.flatMap(SchemaValidator.type(of:)) {
            case "boolean": kind = .choice(["true", "false"])
            case "integer": kind = .int
            case "number": kind = .number
            default: kind = schema.flatMap(SchemaValidator.enumValues(of:)).map { .choice($0) } ?? .string
            }
            let help = bodyFlag.help ?? spec.flatMap { PortSIPDescriptions.field(bodyFlag.key, of: $0.operationId) } ?? bodyFlag.key.replacingOccurrences(of: "_", with: " ")
            var flag = Flag(bodyFlag.flag, kind, value: kind == .choice(["true", "false"]) ? "BOOL" : nil, help: help)
            flag.required = operation.shape == .create && spec?.bodySchema.map { InputChecks.requiredNames(of: $0).contains(bodyFlag.key) } == true
            flags.append(flag)
        }
        if spec?.bodySchema != nil, operation.shape == .create || operation.shape == .update || operation.shape == .action {
            flags += Flag.of(BodyFlags.field, BodyFlags.rawField, BodyFlags.data)
        }
        if !operation.secrets.isEmpty {
            flags.append(CommonFlags.passwordStdin.with(help: "read the \(operation.secrets[0].key.replacingOccurrences(of: "_", with: " ")) from standard input").flag)
        }
        if operation.adminPath != nil {
            flags.append(adminUser.flag)
        }
        if operation.confirm {
            flags.append(CommonFlags.yes.flag)
        }
        if !operation.secretOutputFields.isEmpty {
            flags.append(CommonFlags.showSecrets.with(help: "show " + operation.secretOutputFields.joined(separator: ", ") + " instead of ***").flag)
        }
        flags += operation.variants.flatMap(\.flags) + operation.extraFlags
        return flags
    }

    static func arguments(_ operation: Operation) -> [Argument] {
        let spec = operation.specOperation
        return operation.arguments.map { argument -> Argument in
            // A body field with an enum in the vendor document completes to its values.
            var completion = CompletionHint.none
            if case .body(let key) = argument.role, let values = spec?.bodySchema.flatMap({ SchemaValidator.schema(of: $0, path: key) }).flatMap(SchemaValidator.enumValues(of:)) {
                completion = .values(values)
            }
            return Argument(argument.name, argument.help, optional: argument.optional, variadic: argument.variadic, completion: completion)
        }
    }

    // MARK: running

    static func run(_ operation: Operation, _ invocation: Invocation) throws {
        let app = invocation.app
        var plan = try buildPlan(operation, invocation)
        for variant in operation.variants { variant.apply(to: &plan, line: invocation.line) }
        // Everything typed is judged before a secret is asked for, then the whole body.
        let prompts = invocation.io.stdinIsTTY && !app.clientSettings.dryRun
        let pending = Set(operation.secrets.enumerated().filter { index, secret in
            plan.body != nil && plan.body?[secret.key] == nil && (prompts || index == 0 && invocation.line[CommonFlags.passwordStdin])
        }.map(\.element.key))
        try validate(plan, operation, pending: pending)
        if !pending.isEmpty {
            try BodyInput.fillSecrets(operation.secrets, into: &plan.body!, invocation: invocation)
            try validate(plan, operation)
        }
        let client = try invocation.client()
        if let question = plan.confirmQuestion { try invocation.confirm(question) }
        let reader = readBack(operation, plan, app.output)
        let recordSchema = operation.present == nil && RecordSchema.isNeeded(by: app.output) ? RecordSchema.of(reader ?? operation) : nil
        if plan.method != "GET" {
            // A write is checked before it is made: only the schema can tell then.
            try RecordSchema.checkFields(app.output.fields, schema: recordSchema, records: [])
        }
        try resolveUsers(&plan, operation, invocation, client)
        if operation.shape == .list {
            try runList(plan, operation, invocation, client)
            return
        }
        let answer = try client.call(plan.method, plan.path, query: plan.query, body: plan.body.map(JSON.object))
        if answer.dryRun { return }
        if plan.method == "GET", answer.json?.objectValue == nil {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED",
                           message: answer.json == nil ? "the answer was empty where a JSON object was expected" : "expected a JSON object, got \(answer.json!.typeName)",
                           backend: "portsip")
        }
        let record = AnswerRecord.extract(answer.json, at: operation.recordPath)
        if let path = operation.recordPath, record?.objectValue == nil {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "the answer holds no \(operation.noun) at '\(path)'", backend: "portsip")
        }
        if let present = operation.present {
            try present(record, plan, invocation)
            return
        }
        if plan.method == "GET" { try RecordSchema.checkFields(app.output.fields, schema: recordSchema, records: record.map { [$0] } ?? []) }
        let renderer = Renderer(options: app.output, sink: invocation.io.stdout, defaultColumns: operation.columns, idKey: operation.idKey,
                                masking: masked(operation, invocation), recordFields: recordSchema.map { RecordSchema.scalarPaths(of: $0) } ?? [])
        let id = answer.json?[operation.idKey]?.cellText ?? plan.body?[operation.idKey]?.cellText ?? ""
        let answerHoldsObject = (answer.json?.objectValue?.keys.filter { $0 != operation.idKey }.isEmpty == false)
        if let reader, !answerHoldsObject, operation.shape == .update || !id.isEmpty {
            // The answer holds an ID or nothing: read the object once, as `get` shows it.
            let path = operation.shape == .create ? plan.path + "/" + PathTemplate.segment(id) : plan.path
            let written = try client.call("GET", path)
            if let object = AnswerRecord.extract(written.json, at: reader.recordPath), object.objectValue != nil {
                Renderer(options: app.output, sink: invocation.io.stdout, idKey: reader.idKey, masking: masked(reader, invocation),
                         recordFields: recordSchema.map { RecordSchema.scalarPaths(of: $0) } ?? []).single(object)
            }
            if !app.output.quiet { invocation.io.err((operation.shape == .create ? "Created \(operation.noun) \(id)" : successMessage(operation, plan, invocation)) + "\n") }
            return
        }
        switch operation.shape {
        case .get:
            if let record { renderer.single(record) }
        case .create:
            if let json = answer.json { renderer.single(json) }
            if !app.output.quiet {
                invocation.io.err("Created \(operation.noun) \(TerminalText.escape(id))\n")
            }
        default:
            if let json = answer.json {
                renderer.single(json)
            } else if !app.output.quiet {
                invocation.io.err(successMessage(operation, plan, invocation) + "\n")
            }
        }
    }

    /// The `get` that reads back what a create or update wrote, when the output is for
    /// programs (JSON, JSON Lines, CSV, TSV) and the object is to be printed, not its ID.
    static func readBack(_ operation: Operation, _ plan: RequestPlan, _ output: OutputOptions) -> Operation? {
        guard operation.shape == .create || operation.shape == .update, output.format != .table, !output.quiet else { return nil }
        return PortSIPCatalog.all.first { candidate in
            guard candidate.shape == .get, candidate.method == "GET", candidate.present == nil else { return false }
            let paths = [candidate.path] + (candidate.adminPath.map { [$0] } ?? [])
            if operation.shape == .update { return paths.contains(plan.template) }
            return paths.contains { path in
                guard path.hasPrefix(plan.template + "/{"), path.hasSuffix("}") else { return false }
                return !path.dropFirst(plan.template.count + 1).contains("/")
            }
        }
    }

    /// The answer fields to mask for this run (none with --show-secrets).
    static func masked(_ operation: Operation, _ invocation: Invocation) -> [String] {
        invocation.line[CommonFlags.showSecrets] ? [] : operation.secretOutputFields
    }

    static func successMessage(_ operation: Operation, _ plan: RequestPlan, _ invocation: Invocation) -> String {
        let target = invocation.line.positionals.first.map { " \($0)" } ?? ""
        switch operation.shape {
        case .delete: return "Deleted \(operation.noun)\(target)"
        case .update: return "Updated \(operation.noun)\(target)"
        default: return "Done: \(operation.words.joined(separator: " "))\(target)"
        }
    }
}
