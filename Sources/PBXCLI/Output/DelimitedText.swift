import Foundation
import PBXEngine

/// CSV and TSV, written and read by Unicode scalar. A Swift `Character` is a
/// grapheme cluster and can hide a delimiter: "\r\n" is one Character, and so is a
/// comma or quote followed by a combining mark. The parsers read back exactly what
/// the writers wrote, for any string.
///
/// CSV is opened in spreadsheets, which run a cell that starts with `=`, `+`, `-`
/// or `@` as a formula; cells are from servers, so such a cell is written with a
/// leading apostrophe (the spreadsheet's own "this is text" mark), and the parser
/// takes it off again.
enum DelimitedText {
    /// One row, ended by LF. CSV quotes per RFC 4180 (quotes doubled); TSV escapes
    /// tab, LF, CR and backslash as `\t`, `\n`, `\r`, `\\`.
    static func row(_ cells: [String], format: OutputFormat) -> String {
        if format == .tsv { return cells.map(tsvCell).joined(separator: "\t") + "\n" }
        return cells.map(csvCell).joined(separator: ",") + "\n"
    }

    static func csvCell(_ value: String) -> String {
        let cell = neutralised(value)
        let scalars = cell.unicodeScalars
        // Spaces at either end and a leading byte order mark are quoted so no reader trims them.
        let needsQuotes = scalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || scalars.first == " " || scalars.last == " " || scalars.first == "\u{FEFF}"
        guard needsQuotes else { return cell }
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in scalars {
            if scalar == "\"" { out.append("\"") }
            out.append(scalar)
        }
        out.append("\"")
        return String(out)
    }

    static func tsvCell(_ cell: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in cell.unicodeScalars {
            switch scalar {
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Scalars a spreadsheet takes as the start of a formula (OWASP's list, and the
    /// full-width forms some locales accept).
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    /// A cell that, with its leading apostrophes taken off, a spreadsheet would
    /// evaluate. A signed number or phone number (`-5`, `+14155550100`,
    /// `+1 (415) 555-0100`) holds no letter, reference or function, so it stays as it is.
    static func isFormula(_ cell: Substring.UnicodeScalarView) -> Bool {
        let bare = cell.drop { $0 == "'" }
        guard let first = bare.first, formulaStarts.contains(first) else { return false }
        guard first == "+" || first == "-" else { return true }
        let rest = bare.dropFirst()
        let digits = rest.filter { ("0"..."9").contains($0) }.count
        if digits > 0, rest.allSatisfy({ ("0"..."9").contains($0) || " .-()".unicodeScalars.contains($0) }) { return false }
        return !isNumber(String(String.UnicodeScalarView(rest)))
    }

    /// Digits with an optional fraction and exponent: `1.5e3`, `.5`.
    static func isNumber(_ text: String) -> Bool {
        text.range(of: #"^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
    }

    /// One apostrophe more before a formula, counting those the value already had,
    /// so `restored` can tell the two apart.
    static func neutralised(_ cell: String) -> String {
        isFormula(Substring(cell).unicodeScalars) ? "'" + cell : cell
    }

    static func restored(_ cell: String) -> String {
        let scalars = Substring(cell).unicodeScalars
        guard scalars.first == "'", isFormula(scalars) else { return cell }
        return String(String.UnicodeScalarView(scalars.dropFirst()))
    }
}
