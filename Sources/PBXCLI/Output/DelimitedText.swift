/// CSV and TSV, written and read by Unicode scalar. A Swift `Character` is a
/// grapheme cluster and can hide a delimiter: "\r\n" is one Character, and so is a
/// comma or quote followed by a combining mark. The parsers read back exactly what
/// the writers wrote, for any string.
enum DelimitedText {
    /// One row, ended by LF. CSV quotes per RFC 4180 (quotes doubled); TSV escapes
    /// tab, LF, CR and backslash as `\t`, `\n`, `\r`, `\\`.
    static func row(_ cells: [String], format: OutputFormat) -> String {
        if format == .tsv { return cells.map(tsvCell).joined(separator: "\t") + "\n" }
        return cells.map(csvCell).joined(separator: ",") + "\n"
    }

    static func csvCell(_ cell: String) -> String {
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
            row.append(String(field))
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
