import PBXJSON

/// Base64url without padding (RFC 7515 §2).
public enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index + 2 < bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int((n >> 12) & 63)], alphabet[Int((n >> 6) & 63)], alphabet[Int(n & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int((n >> 12) & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int((n >> 12) & 63)], alphabet[Int((n >> 6) & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - 71)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte + 4)
            case UInt8(ascii: "-"), UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "_"), UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var n: UInt32 = 0
            for (offset, value) in chunk.enumerated() { n |= UInt32(value) << (18 - 6 * UInt32(offset)) }
            out.append(UInt8(n >> 16))
            if chunk.count > 2 { out.append(UInt8((n >> 8) & 0xFF)) }
            if chunk.count > 3 { out.append(UInt8(n & 0xFF)) }
            index += 4
        }
        return out
    }
}

public struct JWSError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A compact JWS (RFC 7515): decoded, and verified when an HS256 secret is known.
public struct JWS {
    public let header: JSON
    public let payload: JSON
    let signingInput: [UInt8]
    let signature: [UInt8]

    public init(compact: String) throws {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw JWSError("not a compact JWS (expected three dot-separated parts)") }
        guard let headerBytes = Base64URL.decode(String(parts[0])), let payloadBytes = Base64URL.decode(String(parts[1])),
            let signature = Base64URL.decode(String(parts[2]))
        else { throw JWSError("the JWS is not valid base64url") }
        do {
            header = try JSONParser.parse(headerBytes)
            payload = try JSONParser.parse(payloadBytes)
        } catch {
            throw JWSError("the JWS header or payload is not JSON")
        }
        signingInput = Array((parts[0] + "." + parts[1]).utf8)
        self.signature = signature
    }

    /// Throws unless the header says HS256 and the signature matches the secret.
    public func verify(secret: [UInt8]) throws {
        guard header["alg"]?.stringValue == "HS256" else {
            throw JWSError("the JWS uses \(header["alg"]?.stringValue ?? "no") algorithm; only HS256 can be verified")
        }
        let expected = HMACSHA256.authenticate(signingInput, key: secret)
        guard HMACSHA256.equal(expected, signature) else { throw JWSError("the JWS signature does not match the configured jwt_secret") }
    }

    /// Throws unless the time claims that are present (RFC 7519 §4.1.4-6) hold at
    /// `now` (seconds since 1970), allowing `leeway` seconds of clock skew: an answer
    /// whose `exp` is past is a replay of an old one, even when its signature matches.
    public func checkTimes(now: Int, leeway: Int = 60) throws {
        func claim(_ name: String) throws -> Double? {
            guard let value = payload[name], !value.isNull else { return nil }
            // NumericDate: seconds, possibly fractional; beyond year 9999 is not a date.
            guard let seconds = value.doubleValue, seconds.isFinite, abs(seconds) <= 253_402_300_799 else {
                throw JWSError("the JWS claim \(name) is not a time")
            }
            return seconds
        }
        let now = Double(now)
        let skew = Double(leeway)
        if let expires = try claim("exp"), now > expires + skew {
            throw JWSError("the signed answer expired \(Self.age(now - expires)) ago; an old answer replayed is refused")
        }
        if let notBefore = try claim("nbf"), now < notBefore - skew {
            throw JWSError("the signed answer is not valid before \(Self.age(notBefore - now)) from now")
        }
        if let issued = try claim("iat"), now < issued - skew {
            throw JWSError("the signed answer was issued in the future (\(Self.age(issued - now)) from now)")
        }
    }

    /// `3 days`, `2 h`, `45 s`: enough to tell clock skew from a replay.
    static func age(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 2 * 86_400 { return "\(whole / 86_400) days" }
        if whole >= 2 * 3600 { return "\(whole / 3600) h" }
        if whole >= 120 { return "\(whole / 60) min" }
        return "\(whole) s"
    }

    public static func signHS256(payload: JSON, secret: [UInt8]) -> String {
        let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let body = Base64URL.encode(Array(payload.compactText.utf8))
        let signature = HMACSHA256.authenticate(Array((header + "." + body).utf8), key: secret)
        return header + "." + body + "." + Base64URL.encode(signature)
    }
}
