import PBXJSON

/// Hides credentials in everything pbxctl prints about a request: `-v`, `--dry-run`
/// and error messages.
public enum Redaction {
    public static let mask = "***"

    static let secretHeaders: Set<String> = ["authorization", "x-auth-token", "cookie", "set-cookie", "proxy-authorization"]

    /// `result` is Rocket.Chat's signed registration answer: its payload carries the SIP password.
    static let secretKeys: Set<String> = [
        "password", "new_password", "old_password", "extension_password", "voicemail_pin", "access_token",
        "refresh_token", "token", "authtoken", "auth_token", "client_secret", "registration_password", "secret",
        "admin_pin", "room_pin", "door_password", "door_password1", "door_password2", "pin", "api_key", "apikey", "jwt_secret", "result",
    ]

    public static func isSecretHeader(_ name: String) -> Bool { secretHeaders.contains(name.lowercased()) }

    public static func isSecretKey(_ key: String) -> Bool { secretKeys.contains(key.lowercased()) }

    public static func header(_ name: String, _ value: String) -> String {
        guard isSecretHeader(name) else { return value }
        if let space = value.firstIndex(of: " "), name.lowercased().hasSuffix("authorization") {
            return String(value[..<space]) + " " + mask
        }
        return mask
    }

    /// The same JSON with every secret-named value replaced by `***`.
    public static func json(_ value: JSON) -> JSON {
        switch value {
        case .object(let object):
            var out = JSONObject()
            for (key, child) in object {
                if isSecretKey(key), !child.isNull {
                    out[key] = .string(mask)
                } else {
                    out[key] = json(child)
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(json))
        default:
            return value
        }
    }

    /// A body for printing: JSON redacted key by key, form bodies field by field,
    /// anything else shown only by its size.
    public static func body(_ bytes: [UInt8], contentType: String?) -> String {
        if bytes.isEmpty { return "" }
        if let parsed = try? JSONParser.parse(bytes) { return json(parsed).compactText }
        let text = String(decoding: bytes, as: UTF8.self)
        if contentType?.contains("x-www-form-urlencoded") == true {
            return text.split(separator: "&").map { pair -> String in
                let parts = pair.split(separator: "=", maxSplits: 1)
                let key = percentDecode(String(parts[0]))
                return isSecretKey(key) ? "\(parts[0])=\(mask)" : String(pair)
            }.joined(separator: "&")
        }
        return "(\(bytes.count) bytes)"
    }

    /// A URL with secret query parameters masked.
    public static func url(_ url: String) -> String {
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...].split(separator: "&").map { pair -> String in
            let key = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return isSecretKey(percentDecode(key)) ? "\(key)=\(mask)" : String(pair)
        }
        return String(url[...question]) + query.joined(separator: "&")
    }
}
