import Foundation
import PBXJSON

public struct SchemaViolation: Equatable, Sendable, CustomStringConvertible {
    /// Dotted path of the offending field; empty for the body itself.
    public let field: String
    public let message: String
    public var text: String { field.isEmpty ? message : "\(field): \(message)" }
    public var description: String { text }

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Validates JSON against the subset of JSON Schema the PortSIP document uses:
/// type, enum, minLength/maxLength, pattern, minimum/maximum, required, properties,
/// items, allOf and the formats date_time, int32, int64, double.
public enum SchemaValidator {
    public static func validate(_ value: JSON, against schema: JSON, at path: String) -> [SchemaViolation] {
        guard case .object(let rules) = schema else { return [] }
        var problems: [SchemaViolation] = []
        func fail(_ message: String) { problems.append(SchemaViolation(field: path, message: message)) }

        for part in rules["allOf"]?.arrayValue ?? [] {
            problems += validate(value, against: part, at: path)
        }
        if let type = rules["type"]?.stringValue, !matches(value, type: type) {
            fail("must be \(article(type)) \(type), not \(value.typeName == "integer" && type == "string" ? "a number" : value.typeName)")
            return problems
        }
        if let allowed = rules["enum"]?.arrayValue, !allowed.contains(where: { equalForEnum($0, value) }) {
            fail("must be one of \(allowed.map(\.cellText).joined(separator: ", ")); got '\(value.cellText)'")
        }
        if case .string(let text) = value {
            let length = text.count
            if let minimum = rules["minLength"]?.intValue, length < minimum {
                fail(minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters (got \(length))")
            }
            if let maximum = rules["maxLength"]?.intValue, length > maximum {
                fail("must be at most \(maximum) characters (got \(length))")
            }
            if let pattern = rules["pattern"]?.stringValue, !patternMatches(pattern, text) {
                fail("must match the pattern \(pattern)")
            }
            if rules["format"]?.stringValue == "date_time" || rules["format"]?.stringValue == "date-time", !RFC3339.isValid(text) {
                fail("must be an RFC 3339 timestamp such as 2017-07-21T17:32:28Z; got '\(text)'")
            }
        }
        if case .number(let text) = value, let number = Double(text) {
            if let minimum = rules["minimum"]?.doubleValue, number < minimum { fail("must be at least \(rules["minimum"]!.cellText)") }
            if let maximum = rules["maximum"]?.doubleValue, number > maximum { fail("must be at most \(rules["maximum"]!.cellText)") }
            if rules["format"]?.stringValue == "int32", Int32(exactly: number) == nil { fail("must fit in 32 bits") }
        }
        if case .object(let object) = value {
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                problems.append(SchemaViolation(field: join(path, name), message: "is required"))
            }
            if case .object(let properties)? = rules["properties"] {
                for (key, child) in object {
                    if let childSchema = properties[key] {
                        problems += validate(child, against: childSchema, at: join(path, key))
                    }
                }
            }
        }
        if case .array(let items) = value, let itemSchema = rules["items"] {
            for (index, item) in items.enumerated() {
                problems += validate(item, against: itemSchema, at: join(path, String(index)))
            }
        }
        return problems
    }

    /// Fields of `value` that its schema does not name, at any depth. The vendor's answer
    /// schemas never say `additionalProperties: false`, yet a field they do not name is a
    /// field a real server does not send; a sandbox that sends one hides a client bug.
    public static func undeclaredFields(_ value: JSON, against schema: JSON, at path: String) -> [SchemaViolation] {
        switch value {
        case .object(let object):
            let names = propertyNames(of: schema)
            guard !names.isEmpty else { return [] }
            var problems: [SchemaViolation] = []
            for (key, child) in object {
                if let childSchema = property(key, of: schema) {
                    problems += undeclaredFields(child, against: childSchema, at: join(path, key))
                } else {
                    problems.append(SchemaViolation(field: join(path, key), message: "is not a field of the documented answer"))
                }
            }
            return problems
        case .array(let items):
            guard let itemSchema = itemsSchema(of: schema) else { return [] }
            return items.enumerated().flatMap { undeclaredFields($0.element, against: itemSchema, at: join(path, String($0.offset))) }
        default:
            return []
        }
    }

    private static func itemsSchema(of schema: JSON) -> JSON? {
        if let items = schema["items"] { return items }
        for part in schema["allOf"]?.arrayValue ?? [] {
            if let found = itemsSchema(of: part) { return found }
        }
        return nil
    }

    /// The properties an object schema names, following allOf.
    public static func propertyNames(of schema: JSON) -> [String] {
        var names = schema["properties"]?.objectValue?.keys ?? []
        for part in schema["allOf"]?.arrayValue ?? [] { names += propertyNames(of: part) }
        return names
    }

    /// The schema of a dotted property path (`office_hours.mode`), following allOf.
    public static func schema(of schema: JSON, path: String) -> JSON? {
        var current: JSON? = schema
        for part in path.split(separator: ".") {
            guard let node = current else { return nil }
            current = property(String(part), of: node)
        }
        return current
    }

    private static func property(_ name: String, of schema: JSON) -> JSON? {
        if let found = schema["properties"]?[name] { return found }
        if let items = schema["items"], Int(name) != nil { return items }
        for part in schema["allOf"]?.arrayValue ?? [] {
            if let found = property(name, of: part) { return found }
        }
        return nil
    }

    /// The effective type of a schema, following allOf.
    public static func type(of schema: JSON) -> String? {
        if let type = schema["type"]?.stringValue { return type }
        for part in schema["allOf"]?.arrayValue ?? [] {
            if let type = type(of: part) { return type }
        }
        return nil
    }

    /// The enum values of a schema, following allOf.
    public static func enumValues(of schema: JSON) -> [String]? {
        if let values = schema["enum"]?.arrayValue { return values.map(\.cellText) }
        for part in schema["allOf"]?.arrayValue ?? [] {
            if let values = enumValues(of: part) { return values }
        }
        return nil
    }

    /// Query strings carry text; read a value as the type its schema wants.
    public static func coerceQuery(_ value: String, for schema: JSON) -> JSON {
        switch type(of: schema) {
        case "integer", "number": return Double(value) != nil ? .number(value) : .string(value)
        case "boolean": return value == "true" ? .bool(true) : value == "false" ? .bool(false) : .string(value)
        default: return .string(value)
        }
    }

    static func matches(_ value: JSON, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array), ("null", .null): return true
        case ("number", .number): return true
        case ("integer", .number(let text)): return Int(text) != nil || (Double(text).map { $0.rounded() == $0 } ?? false) && !text.contains(".")
        default: return false
        }
    }

    static func equalForEnum(_ lhs: JSON, _ rhs: JSON) -> Bool {
        if case .number(let a) = lhs, case .number(let b) = rhs { return Double(a) == Double(b) }
        return lhs == rhs
    }

    static func article(_ type: String) -> String { type.first.map { "aeiou".contains($0) } == true ? "an" : "a" }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private static let regexLock = NSLock()
    /// Guarded by `regexLock`: validation runs on import's worker threads.
    nonisolated(unsafe) private static var regexes: [String: NSRegularExpression] = [:]

    /// JSON Schema patterns are unanchored ECMA-262 regular expressions, compiled once.
    static func patternMatches(_ pattern: String, _ text: String) -> Bool {
        regexLock.lock()
        let cached = regexes[pattern] ?? (try? NSRegularExpression(pattern: pattern))
        regexes[pattern] = cached
        regexLock.unlock()
        guard let regex = cached else { return true }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
