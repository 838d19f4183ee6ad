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
