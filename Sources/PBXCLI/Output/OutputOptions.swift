import PBXEngine
import PBXJSON

public enum OutputFormat: String, Sendable {
    case table, json, jsonl, csv, tsv
}

public struct OutputOptions: Sendable {
    public var format: OutputFormat = .table
    public var fields: [String]?
    public var noHeaders = false
    public var quiet = false
    public var isTTY = false
    public var width = 80
    public var color = false

    public init() {}
}

/// Picks `--fields` out of an object; dotted paths rebuild the nesting they reach.
enum FieldSelection {
    static func project(_ item: JSON, fields: [String]) -> JSON {
        var out = JSONObject()
        for field in fields {
            out.set(path: field, to: item.value(atPath: field) ?? .null)
        }
        return .object(out)
    }

    /// Every scalar of the items, nested ones as dotted paths, in first-seen order
    /// (CSV and TSV columns when no schema tells them).
    static func scalarPaths(of items: [JSON]) -> [String] {
        var seen = Set<String>()
        var paths: [String] = []
        func walk(_ object: JSONObject, _ prefix: String) {
            for (key, value) in object {
                let path = prefix.isEmpty ? key : prefix + "." + key
                switch value {
                case .array: continue
                case .object(let child): walk(child, path)
                default: if seen.insert(path).inserted { paths.append(path) }
                }
            }
        }
        for item in items { if let object = item.objectValue { walk(object, "") } }
        // A key that is null in one record and an object in another is its fields.
        return paths.filter { path in !paths.contains { $0.hasPrefix(path + ".") } }
    }

    /// Columns for items when none were chosen: every top-level key, in first-seen order.
    static func keys(of items: [JSON]) -> [String] {
        var seen = Set<String>()
        var keys: [String] = []
        for item in items {
            for key in item.objectValue?.keys ?? [] where seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }
}
