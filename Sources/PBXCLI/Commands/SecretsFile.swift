import Foundation
import PBXEngine
import PBXJSON

/// `--generate-secrets`: FILE.secrets.csv (mode 0600) beside the input. Missing secrets
/// are made up in memory; only those of users actually created are recorded, after
/// they are created. A re-run reuses what the file holds for a name, and the rows
/// already recorded stay byte for byte as they are: the file only ever grows.
struct SecretsFile {
    static let header = ["name", "extension_number"] + ImportCommand.secretFields
    let path: String
    private var recorded: [String: [String]] = [:]

    init(source: String) {
        path = (source == "-" ? "stdin" : source) + ".secrets.csv"
        if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
            for record in (try? DelimitedText.parseCSV(text))?.dropFirst() ?? [] where record.count == Self.header.count {
                recorded[record[0].lowercased()] = Array(record[2...])
            }
        }
    }

    /// Fills the secrets rows lack; returns, by line, the fields given new values.
    func fill(_ rows: inout [ImportCommand.Row]) -> [Int: [String]] {
        var generated: [Int: [String]] = [:]
        for index in rows.indices {
            let previous = recorded[rows[index].body["name"]?.stringValue?.lowercased() ?? ""]
            for (position, field) in ImportCommand.secretFields.enumerated() where rows[index].body[field] == nil {
                if let previous, !previous[position].isEmpty {
                    rows[index].body[field] = .string(previous[position])
                } else {
                    rows[index].body[field] = .string(field == "voicemail_pin" ? Secrets.pin() : Secrets.password())
                    generated[rows[index].line, default: []].append(field)
                }
            }
        }
        return generated
    }

    /// Appends the created rows' secrets to what the file already holds.
    func record(_ rows: [ImportCommand.Row]) throws {
        guard !rows.isEmpty else { return }
        var text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if text.isEmpty {
            text = DelimitedText.row(Self.header, format: .csv)
        } else if !text.hasSuffix("\n") {
            text += "\n"
        }
        for row in rows {
            let cells = [row.body["name"]?.cellText ?? "", row.body["extension_number"]?.cellText ?? ""] + ImportCommand.secretFields.map { row.body[$0]?.cellText ?? "" }
            text += DelimitedText.row(cells, format: .csv)
        }
        try AtomicFile.replace(path, with: text, mode: 0o600)
    }
}
