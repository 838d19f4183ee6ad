import Foundation
import PBXJSON

/// Hides credentials in everything pbxctl prints about a request: `-v`, `--dry-run`
/// and error messages.
public enum Redaction {
    public static let mask = "***"

    /// Headers that carry a credential by name, and the name parts that suggest one
    /// (`X-Api-Key`, `X-Auth-Token`, `X-Session-Id`…): a user's `-H` is masked as
    /// readily as pbxctl's own credentials.
    static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]
    static let secretHeaderParts = ["key", "token", "secret", "session", "password", "auth", "credential"]

    /// Field names are matched by their parts, not a list, since every API spells a
    /// password differently (`sip_password`, `sipPassword`, `passwd`, `privateKey`).
    /// `result` is Rocket.Chat's signed registration answer: its payload carries the SIP password.
    static let secretKeyNames: Set<String> = ["result"]
    static let secretKeyParts = ["pass", "secret", "token", "credential", "authorization"]
    static let secretWordEndings = ["key", "pin"]
    /// A last word that makes the field about a secret rather than one (`token_url`,
    /// `token_type`, `auth_key_id`), so that it stays readable.
    static let notSecretLastWords: Set<String> = ["url", "uri", "type", "id", "at", "mode"]

    public static func isSecretHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretHeaders.contains(lower) || secretHeaderParts.contains { lower.contains($0) }
    }

    public static func isSecretKey(_ key: String) -> Bool {
        if secretKeyNames.contains(key.lowercased()) { return true }
        let words = identifierWords(key)
        guard let last = words.last else { return false }
        if words.count > 1, notSecretLastWords.contains(last) { return false }
        let joined = words.joined()
        return secretKeyParts.contains { joined.contains($0) } || words.contains { word in secretWordEndings.contains { word.hasSuffix($0) } }
    }

    /// `sip_password` → [sip, password]; `privateKey` → [private, key]; `APIKey` → [apikey].
    static func identifierWords(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in name {
            guard character.isLetter || character.isNumber else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
                continue
            }
            if character.isUppercase, previousLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    public static func header(_ name: String, _ value: String) -> String {
        guard isSecretHeader(name) else { return value }
        if let space = value.firstIndex(of: " "), name.lowercased().hasSuffix("authorization") {
            return String(value[..<space]) + " " + mask
        }
        return mask
    }

    /// The same JSON with every secret-named value replaced by `***`. A boolean is
    /// left as it is: `enable_pin: true` tells nothing.
    public static func json(_ value: JSON) -> JSON {
        var masked: [String] = []
        return json(value, masked: &masked)
    }

    static func json(_ value: JSON, masked: inout [String]) -> JSON {
        switch value {
        case .object(let object):
            var out = JSONObject()
            for (key, child) in object {
                if isSecretKey(key), !child.isNull, child.boolValue == nil {
                    out[key] = .string(mask)
                    masked.append(key)
                } else {
                    out[key] = json(child, masked: &masked)
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { json($0, masked: &masked) })
        default:
            return value
        }
    }

    /// A body for printing: JSON redacted key by key, form bodies field by field,
    /// anything else shown only by its size.
    public static func body(_ bytes: [UInt8], contentType: String?) -> String {
        maskedBody(bytes, contentType: contentType).text
    }

    /// The printable body and the names of the fields masked in it, which a `--dry-run`
    /// line must say the user has to fill in.
    public static func maskedBody(_ bytes: [UInt8], contentType: String?) -> (text: String, masked: [String]) {
        if bytes.isEmpty { return ("", []) }
        var masked: [String] = []
        if let parsed = try? JSONParser.parse(bytes) {
            let text = json(parsed, masked: &masked).compactText
            return (text, masked)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if contentType?.contains("x-www-form-urlencoded") == true {
            let shown = text.split(separator: "&").map { pair -> String in
                let parts = pair.split(separator: "=", maxSplits: 1)
                let key = percentDecode(String(parts[0]))
                guard isSecretKey(key) else { return String(pair) }
                masked.append(key)
                return "\(parts[0])=\(mask)"
            }.joined(separator: "&")
            return (shown, masked)
        }
        return ("(\(bytes.count) bytes)", [])
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
