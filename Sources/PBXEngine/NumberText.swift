/// Numbers as a command line writes them. Swift's Double() also reads `0x10`, `1e3`,
/// `inf`, `nan` and `.5`, which nobody means as a number of seconds.
public enum NumberText {
    /// A plain decimal number: an optional sign, digits and an optional fraction (`2`, `-1.5`).
    public static func decimal(_ text: String) -> Double? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }) else { return nil }
        return Double(text)
    }

    /// A whole number in plain decimal (an optional sign, digits).
    public static func integer(_ text: String) -> Int? {
        decimal(text) != nil && !text.contains(".") ? Int(text) : nil
    }

    /// A plain decimal as JSON writes a number: no `+`, no leading zeros (`+007.50` is
    /// `7.50`); the digits after the point stay as typed. Nil when `text` is no decimal.
    public static func json(_ text: String) -> String? {
        guard decimal(text) != nil else { return nil }
        var rest = Substring(text)
        var sign = ""
        if rest.first == "+" { rest = rest.dropFirst() } else if rest.first == "-" { sign = "-"; rest = rest.dropFirst() }
        let whole = rest.prefix { $0 != "." }
        let fraction = rest.dropFirst(whole.count)
        let digits = whole.drop { $0 == "0" }
        return sign + (digits.isEmpty ? "0" : String(digits)) + fraction
    }

    /// A bound as help and errors print it: `30`, not `30.0`.
    public static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
