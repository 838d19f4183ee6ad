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

final class StreamingListParserTests: XCTestCase {
    func items(_ text: String, chunk: Int, key: String = "items") throws -> (JSONObject, [JSON]) {
        var seen: [JSON] = []
        let parser = StreamingListParser(itemsKey: key) { seen.append($0) }
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            try parser.feed(bytes[index..<min(index + chunk, bytes.count)])
            index += chunk
        }
        try parser.finish()
        return (parser.envelope, seen)
    }

    func testAnyChunkingGivesTheWholeParse() throws {
        let text = #"{"count": 4, "meta": {"page": [1, {"x": "]}"}]}, "items": [ {"id":"a","s":"q\"uo]te,"}, [1,[2]] , "str", "back\\", "\\\"]" ], "tail": null}"#
        let whole = try JSONParser.parse(text)
        for chunk in Array(1...40) + [64, 10_000] {
            let (envelope, seen) = try items(text, chunk: chunk)
            XCTAssertEqual(seen, whole["items"]?.arrayValue, "chunk \(chunk)")
            XCTAssertEqual(envelope["count"], 4)
            XCTAssertEqual(envelope["meta"], whole["meta"])
            XCTAssertEqual(envelope["tail"], .null)
        }
    }

    func testBareArraysEmptyListsAndOtherKeys() throws {
        XCTAssertEqual(try items(#"[{"a":1},{"b":2}]"#, chunk: 1).1, [["a": 1], ["b": 2]])
        XCTAssertEqual(try items(#"[{"a":1} , {"b":2} ]"#, chunk: 100).1, [["a": 1], ["b": 2]])
        XCTAssertEqual(try items(#"{"items":[ ],"count":0}"#, chunk: 100).0["count"], 0)
        XCTAssertEqual(try items(#"{"count":0,"items":[]}"#, chunk: 1).1, [])
        XCTAssertEqual(try items(#"{"meta":{},"callbackNumbers":[{"id":"x"}]}"#, chunk: 5, key: "callbackNumbers").1, [["id": "x"]])
    }

    func testTruncatedAndInvalidAnswersFail() {
        XCTAssertThrowsError(try items(#"{"count":2,"items":[{"id":"a"},{"id":"#, chunk: 4))
        XCTAssertThrowsError(try items(#"{"items":[{"id":"a"},,{"id":"b"}]}"#, chunk: 4))
        XCTAssertThrowsError(try items(#"<html>"#, chunk: 4))
        XCTAssertThrowsError(try items(#"{"items":[1]} trailing"#, chunk: 4))
        for chunk in [4, 100] {
            XCTAssertThrowsError(try items(#"{"items":[1 2]}"#, chunk: chunk))
            XCTAssertThrowsError(try items(#"{"items":[{"a":tru}]}"#, chunk: chunk))
        }
    }
}
