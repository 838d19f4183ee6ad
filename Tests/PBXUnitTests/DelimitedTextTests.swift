import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXSandbox

/// CSV and TSV are read and written by Unicode scalar: a Swift `Character` can hide
/// a delimiter ("\r\n" is one grapheme, so is "," followed by a combining mark).
final class DelimitedTextTests: XCTestCase {
    /// Strings compared scalar by scalar: Swift's `==` treats canonically equivalent strings as equal.
    func scalars(_ rows: [[String]]) -> [[[UInt32]]] { rows.map { $0.map { $0.unicodeScalars.map(\.value) } } }

    func csv(_ rows: [[String]]) -> String { rows.map { DelimitedText.row($0, format: .csv) }.joined() }
    func tsv(_ rows: [[String]]) -> String { rows.map { DelimitedText.row($0, format: .tsv) }.joined() }

    func testCSVQuotesDelimitersHiddenInGraphemes() {
        XCTAssertEqual(csv([["Bob\r\nBuilder", "x"]]), "\"Bob\r\nBuilder\",x\n", "CR LF is one Character but two line-breaking scalars")
        XCTAssertEqual(csv([["a,\u{301}b"]]), "\"a,\u{301}b\"\n", "a comma with a combining mark is still a comma")
        XCTAssertEqual(Array(csv([["say \"\u{301}hi"]]).unicodeScalars), Array("\"say \"\"\u{301}hi\"\n".unicodeScalars), "a quote with a combining mark is doubled")
        XCTAssertEqual(Array(csv([["\"\u{301}"]]).unicodeScalars), Array("\"\"\"\u{301}\"\n".unicodeScalars))
    }

    func testTSVEscapesEveryLineBreak() {
        XCTAssertEqual(tsv([["Bob\r\nBuilder", "tab\there", "back\\slash", "cr\ronly"]]), "Bob\\r\\nBuilder\ttab\\there\tback\\\\slash\tcr\\ronly\n")
        XCTAssertEqual(tsv([["\t\u{301}"]]), "\\t\u{301}\n")
    }

    func testParsersReadCombinedScalarsBack() throws {
        for cell in ["Bob\r\nBuilder", "a,\u{301}b", "\"\u{301}", "\u{301}", "\r", "\n", "x\r\n", "\u{0}", "\u{FEFF}x"] {
            XCTAssertEqual(scalars(try DelimitedText.parseCSV(csv([[cell, "end"]]))), scalars([[cell, "end"]]), cell.debugDescription)
            XCTAssertEqual(scalars(DelimitedText.parseTSV(tsv([[cell, "end"]]))), scalars([[cell, "end"]]), cell.debugDescription)
        }
    }

    /// Whatever the writer writes, the parser reads back exactly, scalar for scalar.
    func testRandomUnicodeRowsRoundTrip() throws {
        continueAfterFailure = false
        var random = SeededRandom(seed: 16)
        let pieces = ["\r", "\n", "\r\n", "\"", ",", "\t", "\\", "\u{0}", " ", "\u{301}", "\u{20DD}", "\u{FE0F}", "\u{200D}", "\u{FEFF}",
                      "e", "=", "+", "-", "@", "'", "1", "é", "👩‍👩‍👧", "🇫🇷", "\u{1F3FB}", "ק", "\u{2028}", "\u{85}", "\\t", "\\n", "\"\""]
        func randomScalar() -> String {
            while true {
                let value = UInt32(truncatingIfNeeded: random.next() % (random.next() % 4 == 0 ? 0x11_0000 : 0x800))
                if let scalar = Unicode.Scalar(value) { return String(scalar) }
            }
        }
        for round in 0..<2000 {
            let rows = (0..<random.int(1..<4)).map { _ in
                (0..<random.int(1..<5)).map { _ in
                    (0..<random.int(0..<8)).map { _ in random.int(0..<3) == 0 ? randomScalar() : pieces[random.int(0..<pieces.count)] }.joined()
                }
            }
            XCTAssertEqual(scalars(try DelimitedText.parseCSV(csv(rows))), scalars(rows), "CSV round \(round): \(rows.debugDescription)")
            XCTAssertEqual(scalars(DelimitedText.parseTSV(tsv(rows))), scalars(rows), "TSV round \(round): \(rows.debugDescription)")
        }
    }

    /// A cell a spreadsheet would run as a formula gets a leading apostrophe; numbers and phone numbers do not.
    func testCSVNeutralisesFormulas() throws {
        let cases: [(String, String)] = [
            ("=HYPERLINK(\"http://evil.example/\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\""),
            ("+SUM(A1:A9)", "'+SUM(A1:A9)"), ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
            ("\tlead", "'\tlead"), ("\rlead", "\"'\rlead\""), ("\u{FF1D}1+1", "'\u{FF1D}1+1"), ("-", "'-"), ("=", "'="),
            ("+14155550100", "+14155550100"), ("-5", "-5"), ("-1.5e3", "-1.5e3"), ("+44 20 7946 0000", "+44 20 7946 0000"),
            ("+1 (415) 555-0100", "+1 (415) 555-0100"), ("plain", "plain"), ("a=b", "a=b"),
            // An apostrophe the server sent itself is kept apart from the one added here.
            ("'=x", "''=x"), ("''-x", "'''-x"), ("'plain", "'plain"), ("'-5", "'-5"),
        ]
        for (value, written) in cases {
            XCTAssertEqual(Array(csv([[value]]).unicodeScalars), Array((written + "\n").unicodeScalars), value.debugDescription)
            XCTAssertEqual(scalars(try DelimitedText.parseCSV(written + "\n")), scalars([[value]]), "read back: \(value.debugDescription)")
        }
        XCTAssertEqual(csv([["=1", "x"]]), "'=1,x\n", "headers too: a server can choose a field name")
        XCTAssertEqual(tsv([["=1"]]), "=1\n", "TSV is for scripts and is left as it is")
    }

    func testCSVLinesEndInLF() throws {
        XCTAssertEqual(csv([["id", "name"], ["1", "a b"]]), "id,name\n1,a b\n")
        XCTAssertEqual(try DelimitedText.parseCSV("id,name\r\n1,\"x\"\r\n"), [["id", "name"], ["1", "x"]], "CRLF files still read")
    }
}

/// A record is told by the line of the file it starts on, so an editor finds it.
final class CSVLineNumberTests: XCTestCase {
    func testRecordsKnowTheLineTheyStartOn() throws {
        let text = "name,note\r\nann,\"two\nlines\"\nbob,x\n\ncid,\"a\r\nb\r\nc\"\ndee,y"
        let records = try DelimitedText.parseCSVLines(text)
        XCTAssertEqual(records.map(\.line), [1, 2, 4, 5, 6, 9])
        XCTAssertEqual(records.map(\.cells).last, ["dee", "y"])
        XCTAssertThrowsError(try DelimitedText.parseCSVLines("a,b\n1,\"open\n2,3\n")) { error in
            XCTAssertEqual((error as? CSVError)?.message, "unterminated quoted field starting on line 2")
        }
    }
}
