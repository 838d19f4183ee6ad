import XCTest
import PBXJSON

final class JSONTests: XCTestCase {
    func testKeepsKeyOrderAndNumberText() throws {
        let text = #"{"z":1,"a":[true,false,null],"m":{"y":1.50,"x":-2e3},"s":"é\n\"\u00e9\ud83d\ude00"}"#
        let value = try JSONParser.parse(text)
        XCTAssertEqual(value.objectValue?.keys, ["z", "a", "m", "s"])
        XCTAssertEqual(value.compactText, #"{"z":1,"a":[true,false,null],"m":{"y":1.50,"x":-2e3},"s":"é\n\"é😀"}"#)
        XCTAssertEqual(try JSONParser.parse(value.compactText), value)
    }

    func testPrettyMatchesJQStyle() throws {
        XCTAssertEqual(try JSONParser.parse(#"{"a":[1,{}],"b":[]}"#).prettyText, "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}")
    }

    func testRejectsInvalidInput() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "\"\u{01}\"", "tru", "1 2", "\"\\x\"", "\"\\ud800\"", "[" + String(repeating: "[", count: 600)] {
            XCTAssertThrowsError(try JSONParser.parse(bad), bad)
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xFF, 0x22]), "invalid UTF-8")
    }

    func testDottedPaths() throws {
        let value = try JSONParser.parse(#"{"a":{"b":[{"c":"deep"}]}}"#)
        XCTAssertEqual(value.value(atPath: "a.b.0.c"), "deep")
        XCTAssertNil(value.value(atPath: "a.x"))
        var object = JSONObject()
        object.set(path: "office_hours.mode", to: "CUSTOM")
        object.set(path: "office_hours.days", to: 5)
        XCTAssertEqual(JSON.object(object).compactText, #"{"office_hours":{"mode":"CUSTOM","days":5}}"#)
    }

    func testMergeIsDeep() throws {
        var base = try JSONParser.parse(#"{"a":{"x":1,"y":2},"b":1}"#).objectValue!
        base.merge(try JSONParser.parse(#"{"a":{"y":3},"c":true}"#).objectValue!)
        XCTAssertEqual(JSON.object(base).compactText, #"{"a":{"x":1,"y":3},"b":1,"c":true}"#)
    }
}
