import PBXJSON

/// Every failure pbxctl reports, with the exit code docs/cli.md gives it.
public struct APIError: Error, Sendable {
    public enum Kind: Sendable { case usage, http, transport, malformed, interrupted, notRegistered, partial, local }

    public var kind: Kind
    public var status: Int?
    public var code: String
    public var message: String
    public var backend: String?
    /// True when pbxctl laid out the message's lines itself (`usage(lines:)`); any other
    /// line break in a message came from a server or a user and is shown as `\n`.
    public var ownLines = false

    public init(kind: Kind, status: Int? = nil, code: String = "", message: String, backend: String? = nil) {
        self.kind = kind
        self.status = status
        self.code = code
        self.message = message
        self.backend = backend
    }

    public static func usage(_ message: String) -> APIError { APIError(kind: .usage, code: "USAGE", message: message) }

    /// A message of several lines: each is escaped on its own, so that text quoted in
    /// one (an argument, a CSV cell) cannot start a line of its own.
    public static func usage(lines: [String]) -> APIError {
        var error = usage(lines.map { TerminalText.escape($0) }.joined(separator: "\n"))
        error.ownLines = true
        return error
    }
    public static func local(_ message: String) -> APIError { APIError(kind: .local, code: "ERROR", message: message) }

    public var exitCode: Int32 {
        switch kind {
        case .usage: return 2
        case .transport: return 5
        case .interrupted: return 130
        case .notRegistered: return 7
        case .partial: return 6
        case .malformed, .local: return 1
        case .http:
            switch status ?? 0 {
            case 401, 403: return 3
            case 404: return 4
            default: return 1
            }
        }
    }

    /// `{"error":{"status":404,"code":"...","message":"...","backend":"portsip"}}`
    public var json: JSON {
        var inner = JSONObject()
        inner["status"] = status.map { .int($0) } ?? .null
        inner["code"] = .string(code)
        inner["message"] = .string(message)
        inner["backend"] = backend.map { .string($0) } ?? .null
        return .object(JSONObject([("error", .object(inner))]))
    }

    public var text: String {
        var parts: [String] = []
        if let status { parts.append("\(status)") }
        if !code.isEmpty, kind == .http || kind == .malformed { parts.append(code) }
        let prefix = parts.isEmpty ? "" : parts.joined(separator: " ") + ": "
        // Messages carry server text (error answers, excerpts, IDs): never raw to a terminal,
        // nor a line break that would make the rest look like a line pbxctl printed.
        return TerminalText.escape(prefix + message, keepNewlines: ownLines)
    }

    /// Reads the error out of an answer in any of the four backends' shapes:
    /// PortSIP `{"errors":[{code,message}]}`, Rocket.Chat `{"error"}`/`{"message"}`,
    /// OAuth `{"error","error_description"}`.
    public static func fromResponse(status: Int, body: [UInt8], backend: String) -> APIError {
        var code = "UNKNOWN"
        var message = defaultMessage(for: status)
        if let json = try? JSONParser.parse(body) {
            if let first = json["errors"]?.arrayValue?.first {
                code = first["code"]?.stringValue ?? code
                message = first["message"]?.stringValue ?? message
                if let detail = first["detail"], !detail.isNull {
                    message += " (\(detail.cellText))"
                }
            } else if let description = json["error_description"]?.stringValue {
                code = json["error"]?.stringValue ?? code
                message = description
            } else if let text = json["error"]?.stringValue {
                message = text
                code = json["errorType"]?.stringValue ?? code
            } else if let text = json["message"]?.stringValue {
                message = text
                code = json["code"]?.stringValue ?? json["status"]?.stringValue ?? code
            }
        } else if !body.isEmpty {
            message += ": " + excerpt(body)
        }
        return APIError(kind: .http, status: status, code: code, message: message, backend: backend)
    }

    static func defaultMessage(for status: Int) -> String {
        switch status {
        case 400: return "bad request"
        case 401: return "not authenticated (run pbxctl login)"
        case 403: return "permission denied"
        case 404: return "not found"
        case 409: return "conflict"
        case 429: return "rate limited"
        case 500...599: return "server error"
        default: return "request failed"
        }
    }

    /// The first characters of an answer, on one line, for error messages.
    public static func excerpt(_ body: [UInt8], limit: Int = 120) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        let oneLine = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        let trimmed = oneLine.count > limit ? String(oneLine.prefix(limit)) + "…" : oneLine
        return trimmed.isEmpty ? "(empty body)" : trimmed
    }
}
