import Foundation
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

    /// A URL with its userinfo's password (or a lone userinfo, often a token) and
    /// secret query parameters masked.
    public static func url(_ raw: String) -> String {
        let url = maskUserinfo(raw)
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...].split(separator: "&").map { pair -> String in
            let key = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return isSecretKey(percentDecode(key)) ? "\(key)=\(mask)" : String(pair)
        }
        return String(url[...question]) + query.joined(separator: "&")
    }

    /// `https://user:pw@host/…` → `https://user:***@host/…`; `https://tok@host` → `https://***@host`.
    public static func maskUserinfo(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        guard let at = url[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") else { return url }
        let userinfo = url[schemeEnd.upperBound..<at]
        let masked = userinfo.firstIndex(of: ":").map { String(userinfo[..<$0]) + ":" + mask } ?? mask
        return String(url[..<schemeEnd.upperBound]) + masked + String(url[at...])
    }

    /// The secret values a request carries — credentials in headers, secret-named body
    /// fields, a URL's userinfo — so that a server echoing one back cannot get it
    /// printed. Very short values are left out: masking every "a" would hide the message.
    public static func secretValues(of request: HTTPRequest) -> [String] {
        var values: [String] = []
        for header in request.headers where isSecretHeader(header.name) {
            values.append(header.value)
            guard let space = header.value.firstIndex(of: " ") else { continue }
            let credential = String(header.value[header.value.index(after: space)...])
            values.append(credential)
            if header.value.lowercased().hasPrefix("basic "), let data = Data(base64Encoded: credential) {
                let pair = String(decoding: data, as: UTF8.self)
                values.append(pair)
                if let colon = pair.firstIndex(of: ":") { values.append(String(pair[pair.index(after: colon)...])) }
            }
        }
        if let body = request.body, !body.isEmpty {
            if let parsed = try? JSONParser.parse(body) {
                collectSecrets(parsed, into: &values)
            } else if request.header("Content-Type")?.contains("x-www-form-urlencoded") == true {
                for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { percentDecode(String($0)) }
                    if parts.count == 2, isSecretKey(parts[0]) { values.append(parts[1]) }
                }
            }
        }
        if let schemeEnd = request.url.range(of: "://") {
            let authority = request.url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let at = authority.lastIndex(of: "@") {
                let userinfo = authority[..<at]
                values.append(String(userinfo.split(separator: ":", maxSplits: 1).last ?? userinfo))
                values.append(percentDecode(String(userinfo.split(separator: ":", maxSplits: 1).last ?? userinfo)))
            }
        }
        return Array(Set(values.filter { $0.count >= 3 })).sorted { $0.count > $1.count }
    }

    private static func collectSecrets(_ value: JSON, into values: inout [String]) {
        switch value {
        case .object(let object):
            for (key, child) in object {
                if isSecretKey(key), let text = child.stringValue { values.append(text) } else { collectSecrets(child, into: &values) }
            }
        case .array(let items):
            for item in items { collectSecrets(item, into: &values) }
        default:
            break
        }
    }

    /// `text` with every occurrence of a secret replaced by `***`, longest first.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where result.contains(secret) { result = result.replacingOccurrences(of: secret, with: mask) }
        return result
    }
}
