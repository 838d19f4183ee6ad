import Foundation
import XCTest

/// Output on a terminal (script(1)): width and colour. Piped output runs in-process
/// (PBXUnitTests/InProcess/OutputEndToEndTests.swift).
final class OutputEndToEndTests: SandboxTestCase {
    /// At 80 columns on a terminal the other columns shrink; IDs stay whole and copyable.
    func testTablesOnATerminalNeverCutTheIDColumn() throws {
        let ids = PBX.run(["users", "list", "--limit", "3", "-q"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(ids.count, 3)
        let table = PBX.runInTerminal(["users", "list", "--limit", "3", "--no-color"], env: env, columns: 80)
        XCTAssertEqual(table.code, 0, table.stdout)
        let rows = table.stdout.split(separator: "\n").filter { !$0.hasPrefix("Showing") }
        XCTAssertEqual(rows.count, 4, table.stdout)
        XCTAssertTrue(table.stdout.contains("…"), "the table was wider than 80 columns: something had to shrink")
        for (row, id) in zip(rows.dropFirst(), ids) {
            XCTAssertTrue(row.hasPrefix(id + " "), "\(id) cut in: \(row)")
            XCTAssertLessThanOrEqual(row.count, 80, String(row))
        }
    }

    /// Colour: on a terminal unless TERM=dumb or NO_COLOR is non-empty; --color decides when given.
    func testColourFollowsTheTerminalNoColorAndTheFlag() {
        let bold = "\u{1B}[1m"
        func coloured(_ extra: [String: String], _ flags: [String] = [], terminal: Bool = true) -> Bool {
            let environment = env.merging(["TERM": "xterm"]) { $1 }.merging(extra) { $1 }
            let words = ["users", "list", "--limit", "1"] + flags
            let result = terminal ? PBX.runInTerminal(words, env: environment) : PBX.run(words, env: environment)
            XCTAssertEqual(result.code, 0, result.stdout + result.stderr)
            return result.stdout.contains(bold)
        }
        XCTAssertTrue(coloured([:]))
        XCTAssertTrue(coloured(["NO_COLOR": ""]), "an empty NO_COLOR does not count")
        XCTAssertFalse(coloured(["NO_COLOR": "1"]))
        XCTAssertFalse(coloured(["TERM": "dumb"]))
        XCTAssertFalse(coloured([:], ["--color", "never"]))
        XCTAssertFalse(coloured([:], ["--no-color"]))
        XCTAssertTrue(coloured(["NO_COLOR": "1"], ["--color", "always"]))
        XCTAssertTrue(coloured([:], ["--color", "always"], terminal: false), "always means piped too")
        XCTAssertFalse(coloured([:], ["--color", "auto"], terminal: false))
        XCTAssertEqual(PBX.run(["users", "list", "--color", "sometimes"], env: env).code, 2)
    }
}
