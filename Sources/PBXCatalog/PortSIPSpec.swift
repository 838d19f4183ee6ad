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
public final class PortSIPSpec: Sendable {
    public static let shared = PortSIPSpec()

    public let operations: [SpecOperation]

    private init() {
        guard case .array(let entries) = try! JSONParser.parse(portSIPSpecJSON) else { fatalError("spec is not an array") }
        operations = entries.map { entry in
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
    }

    public func operation(_ method: String, _ path: String) -> SpecOperation? {
        operations.first { $0.method == method && $0.path == path }
    }

    /// Finds the operation a concrete path belongs to; literal segments win over
    /// `{parameters}` (`/users/profile` before `/users/{id}`).
    /// `path` is as sent: split into segments first, then each segment is decoded, so
    /// an encoded `/` stays inside its segment.
    public func match(method: String, path: String) -> (operation: SpecOperation, parameters: [String: String])? {
        let parts = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        var best: (SpecOperation, [String: String], Int)?
        for operation in operations where operation.method == method && operation.segments.count == parts.count {
            var captured: [String: String] = [:]
            var literals = 0
            var matched = true
            for (template, actual) in zip(operation.segments, parts) {
                if template.hasPrefix("{") {
                    captured[String(template.dropFirst().dropLast())] = String(actual)
                } else if template == actual {
                    literals += 1
                } else {
                    matched = false
                    break
                }
            }
            if matched, best == nil || literals > best!.2 { best = (operation, captured, literals) }
        }
        return best.map { ($0.0, $0.1) }
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
