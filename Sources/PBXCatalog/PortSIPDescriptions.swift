import PBXJSON

/// What the vendor document says each top-level body field of an operation is, in a
/// phrase fit for help (extracted with the schemas): the help of a flag the catalog
/// names without words of its own.
public enum PortSIPDescriptions {
    /// Parsed on first use: only help and docs ask.
    private static let byOperation: [String: [String: String]] = {
        guard case .array(let entries) = try! JSONParser.parse(Array(portSIPFieldDescriptionsJSON.utf8)) else { return [:] }
        var table: [String: [String: String]] = [:]
        for entry in entries {
            guard let id = entry["operationId"]?.stringValue, let fields = entry["fields"]?.objectValue else { continue }
            table[id] = Dictionary(fields.compactMap { key, value in value.stringValue.map { (key, $0) } }) { first, _ in first }
        }
        return table
    }()

    public static func field(_ name: String, of operationId: String) -> String? { byOperation[operationId]?[name] }
}
