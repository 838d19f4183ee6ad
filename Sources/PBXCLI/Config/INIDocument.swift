import Foundation
import PBXEngine

/// An INI file kept line by line, so that editing one key leaves the user's comments
/// and layout alone. `#` and `;` start comments, also after a value when preceded
/// by white space. Values pbxctl writes are double-quoted (with `\\` and `\"` escaped)
/// whenever they could be misread, so every value reads back byte for byte.
public struct INIDocument: Equatable {
    public private(set) var lines: [String]

    public init(text: String = "") {
        // "\r\n" is one Character in Swift: split on it too, so CRLF files read as written.
        lines = text.isEmpty ? [] : text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
    }

    public var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    enum Line: Equatable {
        case section(String)
        case entry(String, String)
        case other
    }

    static func classify(_ raw: String) -> Line {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { return .other }
        if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
            let name = line[line.index(after: line.startIndex)..<close]
            return .section(name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "))
        }
        guard let equals = line.firstIndex(of: "=") else { return .other }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        // Scalars, not Characters: a quote or space followed by a combining mark is one Character.
        let rest = String(String.UnicodeScalarView(line[line.index(after: equals)...].unicodeScalars.drop(while: { $0 == " " || $0 == "\t" })))
        if let quoted = parseQuoted(rest) { return .entry(key, quoted) }
        let value = stripComment(rest).trimmingCharacters(in: .whitespaces)
        return .entry(key, unquote(value))
    }

    /// `"…"` with `\\` and `\"` escapes, then optionally a comment; nil when `text` is
    /// not of that form (a value written by hand without pbxctl's quoting).
    static func parseQuoted(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "\"" else { return nil }
        var result = String.UnicodeScalarView()
        var index = 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                guard index + 1 < scalars.count else { return nil }
                let next = scalars[index + 1]
                if next != "\\" && next != "\"" { result.append(scalar) }
                result.append(next)
                index += 2
                continue
            }
            if scalar == "\"" {
                let after = String(String.UnicodeScalarView(scalars[(index + 1)...])).trimmingCharacters(in: .whitespaces)
                guard after.isEmpty || after.hasPrefix("#") || after.hasPrefix(";") else { return nil }
                return String(result)
            }
            result.append(scalar)
            index += 1
        }
        return nil
    }

    /// How a value is written: bare when it reads back unchanged, else quoted.
    static func render(_ value: String) -> String {
        let scalars = value.unicodeScalars
        let blank = CharacterSet.whitespacesAndNewlines
        let plain = !scalars.contains(where: { $0 == "\"" || $0 == "#" || $0 == ";" || $0 == "\\" })
            && !(scalars.first.map(blank.contains) ?? false) && !(scalars.last.map(blank.contains) ?? false)
        if plain { return value }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in scalars {
            if scalar == "\\" || scalar == "\"" { quoted.append("\\") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    static func stripComment(_ value: String) -> String {
        var previous: Character = " "
        var inQuotes = false
        for index in value.indices {
            let character = value[index]
            if character == "\"" { inQuotes.toggle() }
            if !inQuotes, character == "#" || character == ";", previous == " " || previous == "\t" {
                return String(value[..<index])
            }
            previous = character
        }
        return value
    }

    static func unquote(_ value: String) -> String {
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { return String(value.dropFirst().dropLast()) }
        return value
    }

    public var sections: [String] {
        lines.compactMap { if case .section(let name) = Self.classify($0) { return name } else { return nil } }
    }

    /// The key/value pairs of a section, in file order; a repeated key keeps its last value.
    public func entries(_ section: String) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var inside = false
        for line in lines {
            switch Self.classify(line) {
            case .section(let name): inside = name == section
            case .entry(let key, let value) where inside:
                if let index = result.firstIndex(where: { $0.key == key }) { result[index].value = value } else { result.append((key, value)) }
            default: break
            }
        }
        return result
    }

    public func value(_ section: String, _ key: String) -> String? {
        entries(section).last(where: { $0.key == key })?.value
    }

    private func sectionRange(_ section: String) -> Range<Int>? {
        guard let start = lines.firstIndex(where: { Self.classify($0) == .section(section) }) else { return nil }
        var end = start + 1
        while end < lines.count {
            if case .section = Self.classify(lines[end]) { break }
            end += 1
        }
        return start..<end
    }

    public mutating func set(_ section: String, _ key: String, _ value: String) {
        let rendered = "\(key) = \(Self.render(value))"
        guard let range = sectionRange(section) else {
            if let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { lines.append("") }
            lines.append("[\(section)]")
            lines.append(rendered)
            return
        }
        if let index = range.last(where: { if case .entry(key, _) = Self.classify(lines[$0]) { return true } else { return false } }) {
            lines[index] = rendered
            return
        }
        // Insert after the section's last entry, before any trailing blank lines.
        var insertAt = range.upperBound
        while insertAt > range.lowerBound + 1, lines[insertAt - 1].trimmingCharacters(in: .whitespaces).isEmpty { insertAt -= 1 }
        lines.insert(rendered, at: insertAt)
    }

    public mutating func remove(_ section: String, _ key: String) {
        guard let range = sectionRange(section) else { return }
        let doomed = range.filter { if case .entry(key, _) = Self.classify(lines[$0]) { return true } else { return false } }
        for index in doomed.reversed() { lines.remove(at: index) }
    }

    public mutating func removeSection(_ section: String) {
        guard var range = sectionRange(section) else { return }
        while range.upperBound < lines.count, range.upperBound > range.lowerBound,
            lines[range.upperBound - 1].trimmingCharacters(in: .whitespaces).isEmpty, range.count > 1
        {
            range = range.lowerBound..<(range.upperBound - 1)
        }
        lines.removeSubrange(range)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    }
}
