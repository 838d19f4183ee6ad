import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// Renders lists (page by page) and single objects in the chosen format. JSON Lines,
/// CSV, TSV and JSON arrays are written as pages arrive; a table waits for every row
/// because its column widths depend on all of them.
public final class Renderer {
    let options: OutputOptions
    let sink: TextSink
    let defaultColumns: [String]
    let idKey: String
    /// Fields, dotted paths allowed, printed as *** (secrets the server returns).
    let masking: [String]
    /// The records' scalar fields in the vendor schema's order: CSV and TSV columns.
    let recordFields: [String]
    private var tableRows: [[String]] = []
    private var columns: [String]?
    private var emitted = 0
    private var started = false

    public init(options: OutputOptions, sink: TextSink, defaultColumns: [String] = [], idKey: String = "id", masking: [String] = [], recordFields: [String] = []) {
        self.options = options
        self.sink = sink
        self.defaultColumns = defaultColumns
        self.idKey = idKey
        self.masking = masking
        self.recordFields = recordFields
    }

    private func masked(_ item: JSON) -> JSON {
        guard !masking.isEmpty, var object = item.objectValue else { return item }
        for field in masking {
            guard let value = item.value(atPath: field), !value.isNull else { continue }
            object.set(path: field, to: .string(Redaction.mask))
        }
        return .object(object)
    }

    private func chosenColumns(for items: [JSON]) -> [String] {
        if let columns { return columns }
        let chosen: [String]
        if let fields = options.fields {
            chosen = fields
        } else if options.format == .csv || options.format == .tsv {
            // Files carry every scalar: the schema's first, then any the records add.
            let known = Set(recordFields)
            chosen = recordFields + FieldSelection.scalarPaths(of: items).filter { !known.contains($0) }
        } else {
            chosen = defaultColumns.isEmpty ? FieldSelection.keys(of: items) : defaultColumns
        }
        columns = chosen
        return chosen
    }

    /// When lines made by this compactor straight from the answer's bytes are what
    /// `emit` would print (JSON Lines of whole items, masked by top-level keys): then
    /// `emit(compactLines:)` may stand for `emit`. Nil for any other output.
    public private(set) lazy var compactor: JSONCompactor? = {
        guard options.format == .jsonl, !options.quiet, options.fields == nil, !masking.contains(where: { $0.contains(".") }) else { return nil }
        return JSONCompactor(maskedKeys: masking, mask: Redaction.mask)
    }()

    /// Lines from `compactor` (each item's compact form and a newline): what `emit`
    /// prints for those items.
    public func emit<Lines: Collection>(compactLines lines: Lines) where Lines.Element == UInt8 {
        if !lines.isEmpty { sink.write(bytes: Array(lines)) }
        started = true
    }

    /// One page of a list.
    public func emit(_ rawItems: [JSON]) {
        let items = masking.isEmpty ? rawItems : rawItems.map(masked)
        if options.quiet {
            for item in items { sink.write((item.value(atPath: idKey) ?? .null).cellText + "\n") }
            return
        }
        switch options.format {
        case .jsonl:
            var lines: [UInt8] = []
            lines.reserveCapacity(items.count * 256)
            for item in items {
                shape(item).writeCompact(into: &lines)
                lines.append(0x0A)
            }
            sink.write(bytes: lines)
        case .json:
            for item in items {
                sink.write(emitted == 0 ? "[\n  " : ",\n  ")
                sink.write(shape(item).prettyText.replacingNewlines(with: "\n  "))
                emitted += 1
            }
        case .csv, .tsv:
            let columns = chosenColumns(for: items)
            if !started, !options.noHeaders { sink.write(DelimitedText.row(columns, format: options.format)) }
            for item in items {
                sink.write(DelimitedText.row(columns.map { (item.value(atPath: $0) ?? .null).cellText }, format: options.format))
            }
        case .table:
            let columns = chosenColumns(for: items)
            for item in items { tableRows.append(columns.map { (item.value(atPath: $0) ?? .null).cellText }) }
        }
        started = true
    }

    /// Ends a list.
    public func finishList() {
        if options.quiet { return }
        switch options.format {
        case .json:
            sink.write(emitted == 0 ? "[]\n" : "\n]\n")
        case .table:
            let columns = self.columns ?? options.fields ?? defaultColumns
            sink.write(TableLayout.render(header: options.noHeaders ? nil : columns.map(Self.heading), rows: tableRows, options: options, whole: columns.firstIndex(of: idKey)))
        case .csv, .tsv:
            if !started, !options.noHeaders, let columns = options.fields ?? (recordFields.isEmpty ? nil : recordFields) ?? (defaultColumns.isEmpty ? nil : defaultColumns) {
                sink.write(DelimitedText.row(columns, format: options.format))
            }
        case .jsonl:
            break
        }
    }

    /// A single object (get, create answers, status).
    public func single(_ rawObject: JSON) {
        let object = masked(rawObject)
        if options.quiet {
            let id = object.value(atPath: idKey) ?? .null
            if !id.isNull { sink.write(id.cellText + "\n") }
            return
        }
        switch options.format {
        case .json: sink.write(shape(object).prettyText + "\n")
        case .jsonl: sink.write(shape(object).compactText + "\n")
        case .csv, .tsv:
            let columns = chosenColumns(for: [object])
            if !options.noHeaders { sink.write(DelimitedText.row(columns, format: options.format)) }
            sink.write(DelimitedText.row(columns.map { (object.value(atPath: $0) ?? .null).cellText }, format: options.format))
        case .table:
            let keys = options.fields ?? FieldSelection.keys(of: [object])
            let rows = keys.map { [$0, (object.value(atPath: $0) ?? .null).cellText] }
            sink.write(TableLayout.render(header: nil, rows: rows, options: options, keyColumn: true))
        }
    }

    private func shape(_ item: JSON) -> JSON {
        guard let fields = options.fields else { return item }
        return FieldSelection.project(item, fields: fields)
    }

    /// `extension_number` → `EXTENSION_NUMBER`, `callbackNumberId` → `CALLBACK_NUMBER_ID`.
    static func heading(_ column: String) -> String {
        var out = ""
        var previous: Character = " "
        for character in column {
            if character == "." {
                out.append("_")
            } else {
                if character.isUppercase, previous.isLowercase || previous.isNumber { out.append("_") }
                out += character.uppercased()
            }
            previous = character
        }
        return out
    }
}
