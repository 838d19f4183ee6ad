/// Server-supplied text on its way to a terminal: C0 and C1 controls, DEL, the line and
/// paragraph separators and the bidirectional overrides and isolates are what a terminal
/// (or a log viewer) acts on (retitles, clears, breaks lines, reorders) instead of
/// showing, so they are shown as escapes (`\x1B`, `\u2028`, `\u202E`; a line break or
/// tab as `\n`, `\r`, `\t`).
public enum TerminalText {
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static let shortEscapes: [Unicode.Scalar: String] = ["\n": "\\n", "\r": "\\r", "\t": "\\t"]

    /// `text` with every unsafe character escaped; `keepNewlines` leaves line ends
    /// (for multi-line traces whose lines pbxctl itself separates).
    public static func escape(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if keepNewlines, scalar == "\n" {
                out.unicodeScalars.append(scalar)
            } else if let short = shortEscapes[scalar] {
                out += short
            } else if isUnsafe(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += scalar.value < 0x100 ? "\\x" + (hex.count == 1 ? "0" + hex : hex) : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
