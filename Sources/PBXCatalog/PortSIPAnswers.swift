import PBXJSON

/// The answer side of the PortSIP operations pbxctl sends: for each documented status,
/// the body's schema (or no body), from `portsip-openapi-22.0.json`. Parsed on first
/// use, so a run that never checks an answer never pays for it.
public final class PortSIPAnswers: Sendable {
    public static let shared = PortSIPAnswers()

    /// Status ("200", "4XX") → body content type and schema; `nil` for a documented empty body.
    private let responses: [String: [(status: String, body: (contentType: String, schema: JSON)?)]]

    private init() {
        guard case .array(let entries) = try! JSONParser.parse(portSIPAnswersJSON) else { fatalError("answer schemas are not an array") }
        var responses: [String: [(String, (String, JSON)?)]] = [:]
        for entry in entries {
            guard let id = entry["operationId"]?.stringValue, let statuses = entry["responses"]?.objectValue else { continue }
            responses[id] = statuses.map { status, answer in
                guard let type = answer["contentType"]?.stringValue else { return (status, nil) }
                return (status, (type, answer["schema"] ?? .object(JSONObject())))
            }
        }
        // The document gives `login`'s 200 no body, yet real servers answer it with the
        // same token object as a refresh; check it as one.
        if let refresh = responses["refreshToken"], let ok = refresh.first(where: { $0.0 == "200" }) {
            responses["login"] = responses["login"].map { $0.map { $0.0 == "200" ? ok : $0 } }
        }
        self.responses = responses
    }

    /// The body schema the vendor gives for the answer of an operation, when it gives one.
    public func schema(operationId: String, status: Int) -> JSON? {
        responses[operationId]?.first { Self.covers($0.status, status) }?.body?.schema
    }

    /// Every way an answer differs from the vendor document: an undocumented status, a
    /// body where none is documented, or a body that does not fit the documented schema,
    /// including fields the schema does not name. Empty when the answer conforms.
    /// Error bodies (4xx/5xx) the document leaves unspecified are not judged.
    public func violations(operationId: String, status: Int, body: [UInt8]) -> [String] {
        guard let documented = responses[operationId] else { return ["\(operationId) is not an operation pbxctl knows"] }
        guard let answer = documented.first(where: { Self.covers($0.status, status) }) else {
            return ["status \(status) is not documented for \(operationId) (documented: \(documented.map(\.status).joined(separator: ", ")))"]
        }
        guard let documentedBody = answer.body else {
            return (200..<300).contains(status) && !body.isEmpty ? ["\(operationId) answers \(status) with no body, but a body was sent"] : []
        }
        guard documentedBody.contentType == "application/json" else { return [] }
        let schema = documentedBody.schema
        guard let value = try? JSONParser.parse(body) else { return ["the \(status) answer of \(operationId) is not JSON"] }
        return (SchemaValidator.validate(value, against: schema, at: "") + SchemaValidator.undeclaredFields(value, against: schema, at: ""))
            .map { "\(operationId) \(status) answer: \($0.text)" }
    }

    /// "4XX" covers 404; an exact code wins because the document lists it first when sorted.
    static func covers(_ documented: String, _ status: Int) -> Bool {
        if documented == String(status) { return true }
        if documented.count == 3, documented.hasSuffix("XX"), let first = documented.first, let digit = first.wholeNumberValue {
            return status / 100 == digit
        }
        return documented == "default"
    }
}
