import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// What one look at a user's registration found, on either backend.
struct RegistrationReading: Equatable {
    enum State: String { case registered, unregistered, unknown }
    var state: State
    /// Live SIP registrations (PortSIP); 1 or 0 on Rocket.Chat.
    var count: Int
    /// Where each registration is from, `HOST:PORT (user agent)`, already made safe to print
    /// (PortSIP; Rocket.Chat does not say).
    var contacts: [String]
    /// Rocket.Chat's device state, as the server said it (made safe to print).
    var deviceState: String?
    /// The answer the verdict was drawn from, printed by `check -o json`.
    var answer: JSON?
    /// Its fields that hold secrets (Rocket.Chat's SIP password), printed as `***`
    /// unless `--show-secrets`.
    var secretFields: [String] = []
}

/// A backend that can tell whether an agent's phone is registered (`registration check`, `watch`).
protocol RegistrationSource {
    func registrationProbe(_ user: String?, invocation: Invocation) throws -> RegistrationProbe
}

/// Looks up one user's registration again and again (check --wait, watch): the user is
/// resolved once, each `read()` is one request.
struct RegistrationProbe {
    /// What the user was called on the command line (an extension number, an ID).
    let label: String
    let read: () throws -> RegistrationReading?

    /// Rocket.Chat reports the extension's Asterisk device state, not a registration:
    /// a device Asterisk can reach (idle, in a call, ringing, on hold) is registered,
    /// "Unavailable" (no contact) and "Invalid" (no such device) are not, and
    /// "Unknown" or anything else cannot tell. Both Asterisk spellings are accepted
    /// ("Not in use" and "NOT_INUSE").
    static func state(ofDevice raw: String?) -> RegistrationReading.State {
        guard let raw else { return .unknown }
        let key = raw.lowercased().filter { $0.isLetter }
        switch key {
        case "notinuse", "inuse", "busy", "ringing", "ringinuse", "onhold": return .registered
        case "unavailable", "invalid": return .unregistered
        default: return .unknown
        }
    }

    /// A server's text on one line, without control characters or the `|` that starts a
    /// monitoring plugin's performance data, and bounded.
    static func printable(_ text: String, limit: Int = 80) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit * 2) {
            if scalar == "|" || scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            {
                out.unicodeScalars.append("?")
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out.count > limit ? String(out.prefix(limit)) + "…" : out
    }

    /// `192.0.2.10:5060 (Yealink T46U)` from a PortSIP registration: the host and port of
    /// its contact address, else its IP.
    static func contact(of registration: JSON) -> String {
        var place = registration["ip"]?.stringValue ?? ""
        if let address = registration["contact_address"]?.stringValue {
            var rest = Substring(address)
            if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] } else if let colon = rest.firstIndex(of: ":"), rest.hasPrefix("sip") {
                rest = rest[rest.index(after: colon)...]
            }
            if let end = rest.firstIndex(where: { $0 == ";" || $0 == ">" || $0 == "?" }) { rest = rest[..<end] }
            if !rest.isEmpty { place = String(rest) }
        }
        var text = printable(place.isEmpty ? "unknown address" : place, limit: 64)
        if let agent = registration["user_agent"]?.stringValue, !agent.isEmpty { text += " (" + printable(agent, limit: 64) + ")" }
        return text
    }

    /// The probe for USER on the backend the profile is: each backend that reads
    /// registrations says how (`RegistrationSource`).
    static func make(_ user: String?, invocation: Invocation) throws -> RegistrationProbe {
        let type = try invocation.backendType()
        guard let source = try invocation.app.backends.require(type) as? RegistrationSource else {
            throw APIError.usage("'\(invocation.command.fullName)' cannot read registrations from a \(type.rawValue) profile")
        }
        return try source.registrationProbe(user, invocation: invocation)
    }

    /// PortSIP resolves an extension number to its user once, then reads its status.
    static func portSIP(_ user: String?, invocation: Invocation) throws -> RegistrationProbe {
        let io = invocation.io
        let client = try invocation.client()
        guard let user, !user.isEmpty else { throw APIError.usage("missing argument USER") }
        let id = try UserResolver.resolve(user, client: client, io: io)
        return RegistrationProbe(label: user) {
            let answer = try client.call("GET", PathTemplate.fill("/users/{id}/status", [id]))
            if answer.dryRun { return nil }
            guard let status = answer.json, status.objectValue != nil else {
                throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "expected a JSON object for the user's status", backend: "portsip")
            }
            let registrations = status["registration"]?.arrayValue ?? []
            return RegistrationReading(state: registrations.isEmpty ? .unregistered : .registered, count: registrations.count,
                                       contacts: registrations.map(contact(of:)), deviceState: nil, answer: status)
        }
    }
}
