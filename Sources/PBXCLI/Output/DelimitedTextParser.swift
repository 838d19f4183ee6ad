import Foundation
import PBXEngine

/// Reading CSV and TSV back, scalar by scalar as `DelimitedText` writes them.
extension DelimitedText {
    /// Parses RFC 4180 text into rows; lines may end in LF, CRLF or CR.
    static func parseCSV(_ text: String) throws -> [[String]] { try parseCSVLines(text).map(\.cells) }

    /// The rows, each with the line of the text it starts on (a quoted cell may hold
    /// line breaks, so the n-th row is not always on line n).
    static func parseCSVLines(_ text: String) throws -> [(line: Int, cells: [String])] {
        var rows: [(line: Int, cells: [String])] = []
        var line = 1
        var recordLine = 1
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
                    if scalar == "\n" || scalar == "\r" && !(index < scalars.count && scalars[index] == "\n") { line += 1 }
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
                rows.append((recordLine, row))
                row = []
                line += 1
                recordLine = line
            default:
                field.append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes { throw CSVError(message: "unterminated quoted field starting on line \(recordLine)") }
        if fieldStarted || !row.isEmpty {
            endField()
            rows.append((recordLine, row))
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
