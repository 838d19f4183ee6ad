import PBXCatalog
import PBXEngine
import PBXJSON

/// Checks pbxctl makes on what a user typed beyond the server's own: the server takes
/// an empty required field or a malformed email, and the record then fails to
/// re-import or to receive mail. Create, update and import all go through here.
enum InputChecks {
    static func problems(_ body: JSONObject, schema: JSON) -> [SchemaViolation] {
        var problems: [SchemaViolation] = []
        for name in requiredNames(of: schema) {
            if case .string(let text)? = body[name], text.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(SchemaViolation(field: name, message: "must not be empty"))
            }
        }
        for (key, value) in body where key == "email" || key.hasSuffix("_email") {
            if case .string(let text) = value, let problem = emailProblem(text) {
                problems.append(SchemaViolation(field: key, message: problem))
            }
        }
        return problems
    }

    /// One address: one `@` with something on both sides, no spaces or control characters.
    static func emailProblem(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let wellFormed = parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || $0 == "," || $0 == ";" }
        return wellFormed ? nil : "must be one email address (name@example.com), not '\(text)'"
    }

    static func requiredNames(of schema: JSON) -> [String] {
        var names = schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for part in schema["allOf"]?.arrayValue ?? [] { names += requiredNames(of: part) }
        return names
    }
}
