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

public enum RFC3339 {
    /// `2017-07-21T17:32:28Z`, with optional fraction and numeric offset.
    public static func isValid(_ text: String) -> Bool {
        parse(text) != nil
    }

    /// Read by hand: answers carry thousands of timestamps, and a regular expression and
    /// a calendar per value made checking a long CDR list take seconds.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ allowed: String) -> Bool {
            guard index < bytes.count, allowed.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2), expect("Tt"),
            let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if expect("Zz") {
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), expect(":"), let minutes = digits(2) else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `2017-07-21T17:32:28Z` (UTC, whole seconds).
    public static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        // The inverse of daysFromCivil.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }
}
