import PBXEngine
import PBXJSON

/// A request an entry sends instead of its main one, declared as data, so that the
/// operation reference, the validator and the tour see every request a command can
/// make, and no closure hides one.
public enum RequestVariant: Sendable {
    /// Given, the flag turns the request into `method` with the flag's value as the
    /// body field `field` (`users balance 1001 --set 10`: POST {"balance": 10}).
    case flagSendsBody(FlagKey<String?>, method: String, field: String, number: Bool)
    /// The flag's value picks a path segment: `/segment` becomes `/value's segment`
    /// (`contacts favorite ID --kind business`: /user/business_contacts/…), in the
    /// admin form too. The pairs are in the order the reference lists them.
    case segment(FlagKey<String>, replacing: String, by: [(value: String, segment: String)])
    /// Without the optional argument the request goes to `template`, once `confirm` is
    /// answered (`users reset-profile` without USER resets every user).
    case withoutArgument(template: String, confirm: String, meaning: String)

    /// The flags it reads, for the command's flag list.
    var flags: [Flag] {
        switch self {
        case .flagSendsBody(let key, _, _, _): return [key.flag]
        case .segment(let key, _, _): return [key.flag]
        case .withoutArgument: return []
        }
    }

    /// Makes the plan the generic engine built into this variant's request, when the
    /// command line asks for it.
    func apply(to plan: inout RequestPlan, line: ParsedCommandLine) {
        switch self {
        case .flagSendsBody(let key, let method, let field, let number):
            guard let value = line[key] else { return }
            plan.method = method
            plan.body = JSONObject([(field, number ? .number(value) : .string(value))])
        case .segment(let key, let replacing, let pairs):
            let value = line[key]
            guard let chosen = pairs.first(where: { $0.value == value })?.segment, chosen != replacing else { return }
            plan.template = plan.template.replacingOccurrences(of: "/\(replacing)", with: "/\(chosen)")
        case .withoutArgument(let template, let confirm, _):
            guard line.positionals.isEmpty else { return }
            plan.template = template
            plan.confirmQuestion = confirm
        }
    }

    /// The (method, path, command) rows it adds to the operation reference.
    func references(_ operation: Operation, command: String) -> [(method: String, path: String, command: String)] {
        switch self {
        case .flagSendsBody(let key, let method, _, _):
            let flagged = command + " --\(key.long) VALUE"
            return [(method, operation.path, flagged)] + (operation.adminPath.map { [(method, $0, flagged + " --user USER")] } ?? [])
        case .segment(let key, let replacing, let pairs):
            return pairs.filter { $0.segment != replacing }.flatMap { pair -> [(method: String, path: String, command: String)] in
                let swap = { (path: String) in path.replacingOccurrences(of: "/\(replacing)", with: "/\(pair.segment)") }
                let flagged = command + " --\(key.long) \(pair.value)"
                return [(operation.method, swap(operation.path), flagged)] + (operation.adminPath.map { [(operation.method, swap($0), flagged + " --user USER")] } ?? [])
            }
        case .withoutArgument(let template, _, let meaning):
            let argument = operation.arguments.first { $0.optional }?.name ?? "ARGUMENT"
            return [(operation.method, template, "pbxctl " + operation.words.joined(separator: " ") + " (no \(argument): \(meaning))")]
        }
    }
}
