import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// The vendor's schema of the records a PortSIP command prints (a list's items, a
/// get's record): the columns CSV and TSV carry, and the names `--fields` may use.
enum RecordSchema {
    /// Whether output of these options reads a schema: CSV and TSV columns, `--fields`
    /// names. Reading one parses the vendor's answers document, a visible share of a
    /// short command's start-up, so other output skips it.
    static func isNeeded(by output: OutputOptions) -> Bool {
        output.fields != nil || output.format == .csv || output.format == .tsv
    }

    static func of(_ operation: Operation) -> JSON? {
        guard let id = operation.specOperation?.operationId,
              let answer = PortSIPAnswers.shared.schema(operationId: id, status: 200) ?? PortSIPAnswers.shared.schema(operationId: id, status: 201)
        else { return nil }
        if operation.shape == .list {
            if SchemaValidator.type(of: answer) == "array" { return answer["items"] }
            return SchemaValidator.schema(of: answer, path: "items")?["items"]
        }
        guard let path = operation.recordPath else { return answer }
        return SchemaValidator.schema(of: answer, path: path)
    }

    /// Every scalar field, nested ones as dotted paths, in the schema's order; arrays
    /// and objects without declared properties are not scalars.
    static func scalarPaths(of schema: JSON, prefix: String = "") -> [String] {
        var paths: [String] = []
        for name in SchemaValidator.propertyNames(of: schema) {
            guard let property = SchemaValidator.schema(of: schema, path: name) else { continue }
            let path = prefix.isEmpty ? name : prefix + "." + name
            switch SchemaValidator.type(of: property) {
            case "array": continue
            case "object": paths += scalarPaths(of: property, prefix: path)
            default: paths.append(path)
            }
        }
        return paths
    }

    /// Whether a dotted `--fields` name reaches into the schema.
    static func knows(_ path: String, in schema: JSON) -> Bool {
        SchemaValidator.schema(of: schema, path: path) != nil
    }

    /// Refuses `--fields` names that are neither in the schema nor in any of the
    /// records at hand, before anything is printed; exit 2 with the nearest names.
    static func checkFields(_ fields: [String]?, schema: JSON?, records: [JSON]) throws {
        guard let fields else { return }
        for field in fields {
            if let schema, knows(field, in: schema) { continue }
            if records.contains(where: { $0.value(atPath: field) != nil }) { continue }
            if schema == nil && records.isEmpty { continue }
            var candidates = schema.map { scalarPaths(of: $0) + SchemaValidator.propertyNames(of: $0) } ?? []
            candidates += FieldSelection.keys(of: records) + FieldSelection.scalarPaths(of: records)
            let near = Suggest.closest(field, among: Array(Set(candidates)))
            throw APIError.usage("--fields: unknown field '\(field)'" + (near.isEmpty ? "" : "; did you mean " + near.joined(separator: " or ") + "?"))
        }
    }
}
