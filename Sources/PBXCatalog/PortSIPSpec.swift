import Foundation
import PBXJSON

/// One PortSIP operation as the vendor's OpenAPI document describes its request.
public struct SpecOperation: Sendable {
    public let method: String
    /// Without the `/api` prefix: `/users/{id}/phones`.
    public let path: String
    public let operationId: String
    public let parameters: [SpecParameter]
    public let bodySchema: JSON?
    public let bodyRequired: Bool
    public let requiresAuth: Bool
    public let responses: [String]
    fileprivate let segments: [Substring]

    public var queryParameters: [SpecParameter] { parameters.filter { $0.location == "query" } }

    public func queryParameter(_ name: String) -> SpecParameter? {
        parameters.first { $0.location == "query" && $0.name == name }
    }

    /// The 2xx status the server answers with (201 for creates, 204 for deletes).
    public var successStatus: Int {
        responses.compactMap(Int.init).filter { (200..<300).contains($0) }.min() ?? 200
    }
}

public struct SpecParameter: Sendable {
    public let name: String
    public let location: String
    public let required: Bool
    public let schema: JSON
}

/// The request side of the PortSIP operations pbxctl sends, extracted from
/// `portsip-openapi-22.0.json` by `scripts/extract-portsip-spec.py`.
///
/// Start-up must not pay for the whole document: at first use only the entries'
/// bounds, methods and paths are found (one pass over the bytes, no values built);
/// an entry is parsed when an operation is asked for, and kept.
///
/// Sendable by `lock`, which guards the entries parsed so far.
public final class PortSIPSpec: @unchecked Sendable {
    public static let shared = PortSIPSpec(json: portSIPSpecJSON)

    private struct Entry {
        let method: String
        let path: String
        let segments: [Substring]
        let bytes: Range<Int>
    }

    private let text: [UInt8]
    private let entries: [Entry]
    private let byRoute: [String: Int]
    private let lock = NSLock()
    private var parsed: [Int: SpecOperation] = [:]

    init(json: String) {
        text = Array(json.utf8)
        var entries: [Entry] = []
        for range in Self.elementRanges(text) {
            // The generator writes "method" and "path" first in every entry.
            let method = Self.leadingString("method", in: text, range) ?? ""
            let path = Self.leadingString("path", in: text, range) ?? ""
            entries.append(Entry(method: method, path: path, segments: path.split(separator: "/"), bytes: range))
        }
        self.entries = entries
        var byRoute: [String: Int] = [:]
        for (index, entry) in entries.enumerated() where byRoute[entry.method + " " + entry.path] == nil {
            byRoute[entry.method + " " + entry.path] = index
        }
        self.byRoute = byRoute
    }

    /// Every operation, parsed (the sandbox and the reference need them all).
    public var operations: [SpecOperation] { entries.indices.map(operation(at:)) }

    public func operation(_ method: String, _ path: String) -> SpecOperation? {
        byRoute[method + " " + path].map(operation(at:))
    }

    private func operation(at index: Int) -> SpecOperation {
        lock.lock()
        defer { lock.unlock() }
        if let done = parsed[index] { return done }
        let entry = entries[index]
        guard let json = try? JSONParser.parse(Array(text[entry.bytes])) else { fatalError("spec entry \(index) is not JSON") }
        let operation = Self.operation(json)
        parsed[index] = operation
        return operation
    }

    private static func operation(_ entry: JSON) -> SpecOperation {
        let path = entry["path"]?.stringValue ?? ""
        let parameters = (entry["parameters"]?.arrayValue ?? []).map { parameter in
            SpecParameter(name: parameter["name"]?.stringValue ?? "", location: parameter["in"]?.stringValue ?? "",
                          required: parameter["required"]?.boolValue ?? false, schema: parameter["schema"] ?? .object(JSONObject()))
        }
        return SpecOperation(
            method: entry["method"]?.stringValue ?? "", path: path, operationId: entry["operationId"]?.stringValue ?? "",
            parameters: parameters, bodySchema: entry["body"]?["schema"], bodyRequired: entry["body"]?["required"]?.boolValue ?? false,
            requiresAuth: entry["auth"]?.boolValue ?? true,
            responses: (entry["responses"]?.arrayValue ?? []).compactMap(\.stringValue),
            segments: path.split(separator: "/"))
    }

    /// The byte ranges of the elements of a top-level JSON array, found by counting
    /// brackets outside strings.
    static func elementRanges(_ text: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = 0
        for index in text.indices {
            let byte = text[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 2 { start = index }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 2 { ranges.append(start..<(index + 1)) }
                depth -= 1
            default: break
            }
        }
        return ranges
    }

    /// The first `"key":"value"` in `range`, when the value holds no escapes.
    static func leadingString(_ key: String, in text: [UInt8], _ range: Range<Int>) -> String? {
        let needle = Array("\"\(key)\":\"".utf8)
        var index = range.lowerBound
        while index + needle.count <= range.upperBound {
            if text[index] == needle[0], text[index..<(index + needle.count)].elementsEqual(needle) {
                let valueStart = index + needle.count
                guard let end = text[valueStart..<range.upperBound].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
                      text[end] == UInt8(ascii: "\"") else { return nil }
                return String(decoding: text[valueStart..<end], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }

    /// Finds the operation a concrete path belongs to; literal segments win over
    /// `{parameters}` (`/users/profile` before `/users/{id}`).
    /// `path` is as sent: split into segments first, then each segment is decoded, so
    /// an encoded `/` stays inside its segment.
    public func match(method: String, path: String) -> (operation: SpecOperation, parameters: [String: String])? {
        let parts = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        var best: (Int, [String: String], Int)?
        for (index, entry) in entries.enumerated() where entry.method == method && entry.segments.count == parts.count {
            var captured: [String: String] = [:]
            var literals = 0
            var matched = true
            for (template, actual) in zip(entry.segments, parts) {
                if template.hasPrefix("{") {
                    captured[String(template.dropFirst().dropLast())] = String(actual)
                } else if template == actual {
                    literals += 1
                } else {
                    matched = false
                    break
                }
            }
            if matched, best == nil || literals > best!.2 { best = (index, captured, literals) }
        }
        return best.map { (operation(at: $0.0), $0.1) }
    }

    /// Every problem with a request against its operation: unknown or invalid query
    /// parameters, a missing or invalid body. Empty when the request conforms.
    public func violations(method: String, path: String, query: [(String, String)], body: JSON?) -> [String] {
        guard let (operation, pathParameters) = match(method: method, path: path) else {
            return ["\(method) \(path) is not an operation of the PortSIP API"]
        }
        var problems: [String] = []
        for parameter in operation.parameters where parameter.location == "path" {
            if let value = pathParameters[parameter.name] {
                problems += SchemaValidator.validate(.string(value), against: parameter.schema, at: parameter.name).map(\.text)
            }
        }
        for (name, value) in query {
            guard let parameter = operation.queryParameter(name) else {
                problems.append("query parameter '\(name)' is not accepted by \(operation.operationId)")
                continue
            }
            problems += SchemaValidator.validate(SchemaValidator.coerceQuery(value, for: parameter.schema), against: parameter.schema, at: name).map(\.text)
        }
        for parameter in operation.queryParameters where parameter.required && !query.contains(where: { $0.0 == parameter.name }) {
            problems.append("query parameter '\(parameter.name)' is required")
        }
        if let schema = operation.bodySchema {
            if let body {
                problems += SchemaValidator.validate(body, against: schema, at: "").map(\.text)
            } else if operation.bodyRequired {
                problems.append("a JSON body is required")
            }
        } else if let body, body != .object(JSONObject()) {
            problems.append("\(operation.operationId) takes no body")
        }
        return problems
    }
}
