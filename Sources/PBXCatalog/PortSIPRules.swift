import PBXJSON

/// Which of PortSIP's prose rules a resource's bodies follow.
public enum PortSIPRuleSet: String, Sendable {
    case users, roles, meetings, phones, speedDials
}

/// Constraints the PortSIP server enforces that its OpenAPI document states only in
/// prose (docs/cli.md, "Writing"), checked before anything is sent.
public enum PortSIPRules {
    public static let reservedUserNames: Set<String> = ["admin", "system", "administrator", "root"]
    public static let builtInRoles = ["SystemAdmin", "Replicator", "Dealer", "Admin", "StandardUser", "StandardInternationalUser", "QueueManager"]

    public static func userNameProblem(_ name: String) -> String? {
        if name.isEmpty || name.count > 64 { return "must be 1 to 64 characters" }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar) || "_-'.".unicodeScalars.contains(scalar)
        }
        if !allowed { return "may contain only letters, digits, _ - ' and ." }
        if name.hasPrefix(".") || name.hasSuffix(".") { return "must not start or end with '.'" }
        if reservedUserNames.contains(name.lowercased()) { return "'\(name)' is reserved for the system administrator" }
        return nil
    }

    public static func isExtensionNumber(_ text: String) -> Bool {
        (3...64).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    public static func extensionProblem(_ text: String) -> String? {
        isExtensionNumber(text) ? nil : "must be 3 to 64 digits"
    }

    /// 6-10 digits, no run of three equal digits, no three-digit ascending or descending sequence.
    public static func voicemailPINProblem(_ pin: String) -> String? {
        guard (6...10).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "must be 6 to 10 digits" }
        let digits = pin.compactMap { $0.wholeNumberValue }
        for index in 0..<(digits.count - 2) {
            let (a, b, c) = (digits[index], digits[index + 1], digits[index + 2])
            if a == b && b == c { return "must not repeat a digit three times (\(a)\(b)\(c))" }
            if b == a + 1 && c == b + 1 || b == a - 1 && c == b - 1 { return "must not contain a sequence (\(a)\(b)\(c))" }
        }
        return nil
    }

    public static func speedDialCodeProblem(_ code: String, kind: Int) -> String? {
        if kind == 8 {
            return code.count == 1 && ("2"..."9").contains(code) ? nil : "must be one digit, 2 to 9, for speed-dial-8"
        }
        return code.count == 2 && code.allSatisfy({ $0.isASCII && $0.isNumber }) ? nil : "must be two digits, 00 to 99, for speed-dial-100"
    }

    public static func digitsOnlyProblem(_ text: String) -> String? {
        !text.isEmpty && text.allSatisfy({ $0.isASCII && $0.isNumber }) ? nil : "must contain digits only"
    }

    /// Checks the prose rules on fields of a body; returns (field, message) pairs.
    /// `path`: where the body goes, for rules that differ by list (speed-dial-8 or -100).
    public static func bodyProblems(_ body: JSONObject, rules: PortSIPRuleSet, path: String = "") -> [SchemaViolation] {
        var problems: [SchemaViolation] = []
        func check(_ field: String, _ rule: (String) -> String?) {
            guard let value = body[field] else { return }
            guard let text = value.stringValue else { return }
            if let message = rule(text) { problems.append(SchemaViolation(field: field, message: message)) }
        }
        switch rules {
        case .users:
            check("name", userNameProblem)
            check("extension_number", extensionProblem)
            check("voicemail_pin", voicemailPINProblem)
        case .roles:
            check("name") { name in
                builtInRoles.contains(where: { $0.lowercased() == name.lowercased() }) ? "'\(name)' is a built-in role name" : nil
            }
        case .meetings:
            check("admin_pin", digitsOnlyProblem)
            check("room_pin", digitsOnlyProblem)
        case .phones:
            check("door_password1", digitsOnlyProblem)
            check("door_password2", digitsOnlyProblem)
        case .speedDials:
            check("code") { speedDialCodeProblem($0, kind: path.contains("/speed_dial_100") ? 100 : 8) }
        }
        return problems
    }
}
