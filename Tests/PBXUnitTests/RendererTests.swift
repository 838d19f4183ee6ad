import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXClient
import PBXJSON

final class RendererTests: XCTestCase {
    let items: [JSON] = [
        ["id": "1", "name": "a, \"quoted\"", "nested": ["mode": "CUSTOM"]],
        ["id": "2", "name": "line\nbreak", "nested": .null],
    ]

    func render(_ format: OutputFormat, fields: [String]? = nil, tty: Bool = false, width: Int = 80, columns: [String] = ["id", "name"], pages: Int = 1) -> String {
        var options = OutputOptions()
        options.format = format
        options.fields = fields
        options.isTTY = tty
        options.width = width
        let sink = StringSink()
        let renderer = Renderer(options: options, sink: sink, defaultColumns: columns)
        for _ in 0..<pages { renderer.emit(items) }
        renderer.finishList()
        return sink.text
    }

    func testCSVQuotesPerRFC4180() {
        XCTAssertEqual(render(.csv, fields: ["id", "name"]), "id,name\n1,\"a, \"\"quoted\"\"\"\n2,\"line\nbreak\"\n")
    }

    /// Without --fields a file carries every scalar, nested ones dotted; a table the curated columns.
    func testCSVCarriesEveryScalarTablesTheCuratedColumns() {
        XCTAssertEqual(render(.csv).components(separatedBy: "\n").first, "id,name,nested.mode")
        XCTAssertEqual(render(.tsv).components(separatedBy: "\n").first, "id\tname\tnested.mode")
        XCTAssertEqual(render(.table).components(separatedBy: "\n").first?.split(separator: " "), ["ID", "NAME"])
    }

    func testCSVParsesBack() throws {
        let rows = try DelimitedText.parseCSV(render(.csv, fields: ["id", "name"]))
        XCTAssertEqual(rows, [["id", "name"], ["1", "a, \"quoted\""], ["2", "line\nbreak"]])
    }

    func testTSVEscapes() {
        XCTAssertEqual(render(.tsv, fields: ["name", "nested.mode"]), "name\tnested.mode\na, \"quoted\"\tCUSTOM\nline\\nbreak\t\n")
    }

    func testJSONArrayStreamsAcrossPages() throws {
        let text = render(.json, pages: 2)
        guard case .array(let parsed) = try JSONParser.parse(text) else { return XCTFail("not an array") }
        XCTAssertEqual(parsed.count, 4)
        XCTAssertEqual(render(.json, pages: 0), "[]\n")
    }

    func testJSONLinesAndFieldsRebuildNesting() {
        XCTAssertEqual(render(.jsonl, fields: ["id", "nested.mode"]), "{\"id\":\"1\",\"nested\":{\"mode\":\"CUSTOM\"}}\n{\"id\":\"2\",\"nested\":{\"mode\":null}}\n")
    }

    func testTableIsAlignedAndUncutWhenPiped() {
        let text = render(.table, width: 10)
        XCTAssertEqual(text, "ID  NAME\n1   a, \"quoted\"\n2   line\\nbreak\n")
    }

    func testTableKeepsOneLinePerRowWhateverTheLineBreak() {
        var options = OutputOptions()
        options.format = .table
        let sink = StringSink()
        let renderer = Renderer(options: options, sink: sink, defaultColumns: ["id", "name"])
        renderer.emit([["id": "1", "name": "Bob\r\nBuilder"], ["id": "2", "name": "a\rb"]])
        renderer.finishList()
        XCTAssertEqual(Array(sink.text.unicodeScalars), Array("ID  NAME\n1   Bob\\r\\nBuilder\n2   a\\rb\n".unicodeScalars))
    }

    func testTableFitsTheTerminal() {
        let long: [JSON] = [["id": "1", "name": .string(String(repeating: "x", count: 200))]]
        var options = OutputOptions()
        options.isTTY = true
        options.width = 40
        let sink = StringSink()
        let renderer = Renderer(options: options, sink: sink, defaultColumns: ["id", "name"])
        renderer.emit(long)
        renderer.finishList()
        for line in sink.text.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 40, String(line)) }
        XCTAssertTrue(sink.text.contains("…"))
    }

    func testSingleObjectAsTableAndQuiet() {
        var options = OutputOptions()
        let sink = StringSink()
        Renderer(options: options, sink: sink).single(["id": "7", "name": "x"])
        XCTAssertEqual(sink.text, "id    7\nname  x\n")
        options.quiet = true
        let quiet = StringSink()
        Renderer(options: options, sink: quiet).single(["id": "7", "name": "x"])
        XCTAssertEqual(quiet.text, "7\n")
    }
}

/// What a terminal would act on instead of showing is shown as an escape.
final class TerminalTextTests: XCTestCase {
    func testLineAndParagraphSeparatorsAreEscaped() {
        XCTAssertEqual(TerminalText.escape("x\u{2028}y\u{2029}z"), "x\\u2028y\\u2029z", "some terminals and log viewers break lines on them")
        XCTAssertEqual(TerminalText.escape("\u{1B}]0;t\u{07}\u{202E}"), "\\x1B]0;t\\x07\\u202E")
        XCTAssertEqual(TerminalText.escape("plain café"), "plain café")
    }
}
