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

    /// Parses RFC 4180 text into rows; lines may end in LF, CRLF or CR.
    static func parseCSV(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var fieldStarted = false
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func endField() {
            row.append(restored(String(field)))
            field = String.UnicodeScalarView()
            fieldStarted = false
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if inQuotes {
                if scalar == "\"" {
                    if index < scalars.count, scalars[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where !fieldStarted:
                inQuotes = true
                fieldStarted = true
            case ",":
                endField()
            case "\n", "\r":
                if scalar == "\r", index < scalars.count, scalars[index] == "\n" { index += 1 }
                endField()
                rows.append(row)
                row = []
            default:
                field.append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes { throw CSVError(message: "unterminated quoted field") }
        if fieldStarted || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
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

    /// Reads back what `row(_:format: .tsv)` wrote; an unknown escape keeps its letter.
    static func parseTSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                switch scalar {
                case "t": field.append("\t")
                case "n": field.append("\n")
                case "r": field.append("\r")
                default: field.append(scalar)
                }
                escaped = false
                continue
            }
            switch scalar {
            case "\\": escaped = true
            case "\t":
                row.append(String(field))
                field = String.UnicodeScalarView()
            case "\n":
                row.append(String(field))
                field = String.UnicodeScalarView()
                rows.append(row)
                row = []
            default: field.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(String(field))
            rows.append(row)
        }
        return rows
    }
}

struct CSVError: Error { let message: String }
