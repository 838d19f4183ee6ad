import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXJSON
import PBXSandbox

/// The compactor (JSON Lines copied from an answer's bytes) must give exactly the
/// bytes of the general path — parse, mask as `Renderer` does, `writeCompact` — or
/// leave the value to that path. Generated values (fixed seed) cover escapes, unicode,
/// number spellings, nesting, repeated keys, whitespace and secrets.
final class JSONCompactorTests: XCTestCase {
    struct Generator {
        var random = SeededRandom(seed: 0x5EED_C0FFEE)
        mutating func int(_ bound: Int) -> Int { random.int(0..<max(bound, 1)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

        static let numbers = ["0", "-0", "1", "-1", "1.50", "1e5", "1E+5", "-2.5e-3", "123456789012345678901234567890", "0.0", "1e309", "-0.0e0"]
        static let strings = ["", "plain", "with space", "q\\\"uote", "back\\\\slash", "tab\\t", "nl\\n", "cr\\r", "bs\\b", "ff\\f",
                              "slash\\/", "\\u00e9", "\\u0001", "\\u001F", "\\u0022", "\\u005c", "\\ud83d\\ude00", "é", "日本語", "🙂 emoji",
                              "e\u{301}", "\u{7F}del", "]}\\\",{[", "a,b:c", "***", String(repeating: "long", count: 40)]
        static let keys = ["id", "name", "password", "voicemail_pin", "room_pin", "a", "é", "e\u{301}", "k\\\"q", "k\\n", "\\u0069d", "items", "count"]
        static let secrets = ["password", "voicemail_pin", "room_pin"]

        mutating func whitespace() -> String { chance(70) ? "" : pick([" ", "\n", "\t", "\r\n", "  "]) }

        mutating func value(depth: Int) -> String {
            switch int(depth > 3 ? 5 : 8) {
            case 0: return pick(["true", "false", "null"])
            case 1, 2: return pick(Self.numbers)
            case 3, 4: return "\"" + pick(Self.strings) + "\""
            case 5: return "[" + (0..<int(4)).map { _ in whitespace() + value(depth: depth + 1) + whitespace() }.joined(separator: ",") + "]"
            default: return object(depth: depth + 1)
            }
        }

        mutating func object(depth: Int) -> String {
            var keys: [String] = []
            for _ in 0..<int(7) {
                let key = pick(Self.keys)
                // Repeated keys now and then; otherwise distinct.
                if keys.contains(key), !chance(10) { continue }
                keys.append(key)
            }
            return "{" + keys.map { whitespace() + "\"" + $0 + "\"" + whitespace() + ":" + whitespace() + value(depth: depth) + whitespace() }
                .joined(separator: ",") + "}"
        }

        mutating func item() -> String {
            var text = chance(85) ? object(depth: 0) : value(depth: 1)
            if chance(3) { text.insert(contentsOf: "[", at: text.startIndex) } // malformed now and then
            if chance(3) { text = String(text.dropLast()) }
            return text
        }
    }

    /// The general path's line: `Renderer.masked`, then `writeCompact`.
    func expectedLine(_ text: String, masking: [String]) -> [UInt8]? {
        guard let value = try? JSONParser.parse(text) else { return nil }
        var masked = value
        if !masking.isEmpty, var object = value.objectValue {
            for field in masking {
                guard let current = value.value(atPath: field), !current.isNull else { continue }
                object.set(path: field, to: .string("***"))
            }
            masked = .object(object)
        }
        return masked.compactBytes
    }

    func testCompactIsTheParsedCompactFormOrLeavesTheValueToTheParser() throws {
        var generator = Generator()
        var compacted = 0
        for round in 0..<4000 {
            let text = generator.whitespace() + generator.item() + generator.whitespace()
            let masking = round % 2 == 0 ? [] : Generator.secrets
            let compactor = try XCTUnwrap(JSONCompactor(maskedKeys: masking))
            let bytes = Array(text.utf8)
            var out: [UInt8] = [0x41]
            let end = bytes.withUnsafeBufferPointer { compactor.compact($0, from: 0, into: &out) }
            let expected = expectedLine(text, masking: masking)
            if let end {
                compacted += 1
                // The value compacted is the one the parser reads there; what follows is the caller's.
                XCTAssertEqual(out.first, 0x41, text)
                XCTAssertEqual(Array(out.dropFirst()), expectedLine(String(decoding: bytes[..<end], as: UTF8.self), masking: masking), text)
                if expected != nil { XCTAssertTrue(bytes[end...].allSatisfy { [0x20, 0x0A, 0x0D, 0x09].contains($0) }, text) }
            } else {
                XCTAssertEqual(out, [0x41], "a value left to the parser leaves the output as it was: \(text)")
            }
            // Whatever the compactor leaves, writeCompact of the parsed value (the fallback) is right.
            if let parsed = try? JSONParser.parse(text) {
                var fallback: [UInt8] = []
                compactor.writeCompact(parsed, into: &fallback)
                XCTAssertEqual(fallback, expected, text)
            }
        }
        XCTAssertGreaterThan(compacted, 1000, "most generated values take the fast path")
    }

    func testKnownSpellings() throws {
        let compactor = try XCTUnwrap(JSONCompactor(maskedKeys: ["password"]))
        func compact(_ text: String) -> String? {
            var out: [UInt8] = []
            let bytes = Array(text.utf8)
            guard bytes.withUnsafeBufferPointer({ compactor.compact($0, from: 0, into: &out) }) != nil else { return nil }
            return String(decoding: out, as: UTF8.self)
        }
        XCTAssertEqual(compact(#" { "a" : [ 1e5 , -0 , 1.50 ] , "s" : "q\"\\\n\t" , "password" : 12 , "b" : { } } "#),
                       #"{"a":[1e5,-0,1.50],"s":"q\"\\\n\t","password":"***","b":{}}"#)
        XCTAssertEqual(compact(#"{"password":null,"n":[]}"#), #"{"password":null,"n":[]}"#)
        XCTAssertEqual(compact(#"{"x":{"password":"nested is not masked"}}"#), #"{"x":{"password":"nested is not masked"}}"#)
        XCTAssertEqual(compact(#"["password","é🙂"]"#), #"["password","é🙂"]"#)
        // Left to the parser: escapes the writer spells differently, repeated or non-ASCII keys, too deep, malformed.
        for text in [#""\u00e9""#, #""a\/b""#, #"{"a":1,"a":2}"#, #"{"é":1}"#, String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
                     "[1,]", "{\"a\" 1}", "tru", "\"\\x\""] {
            XCTAssertNil(compact(text), text)
        }
        XCTAssertNotNil(compact(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)))
        var out: [UInt8] = []
        XCTAssertNil([0x22, 0xFF, 0x22].withUnsafeBufferPointer { compactor.compact($0, from: 0, into: &out) }, "invalid UTF-8")
        XCTAssertNil(JSONCompactor(maskedKeys: ["a\"b"]), "a key that cannot be matched byte for byte")
    }

    /// A page as `runList` reads it: lines, keys and count as the parsed answer gives them.
    func testCompactListMatchesTheParsedPage() throws {
        var generator = Generator()
        var made = 0
        for round in 0..<1500 {
            let items = (0..<generator.int(6)).map { _ in generator.chance(90) ? generator.object(depth: 0) : generator.value(depth: 1) }
            let ws = { (g: inout Generator) in g.whitespace() }
            var envelope = ["\"items\"" + ws(&generator) + ":" + ws(&generator) + "[" + items.map { ws(&generator) + $0 + ws(&generator) }.joined(separator: ",") + "]"]
            if generator.chance(80) { envelope.append("\"count\":" + generator.pick(["10", "1.0", "-1", "\"7\"", "1e2", "null", "{}"])) }
            if generator.chance(30) { envelope.append("\"meta\":" + generator.value(depth: 1)) }
            if generator.chance(5) { envelope.append("\"items\":[]") }
            envelope.shuffle(using: &generator.random)
            var text = generator.chance(10) ? "[" + items.joined(separator: ",") + "]" : "{" + envelope.joined(separator: ",") + "}"
            text = ws(&generator) + text + ws(&generator)
            if generator.chance(3) { text += "x" }
            let masking = round % 3 == 0 ? Generator.secrets : []
            let compactor = try XCTUnwrap(JSONCompactor(maskedKeys: masking))
            let list = Array(text.utf8).withUnsafeBufferPointer { CompactList.make($0, idKey: "id", compactor: compactor) }
            guard let list else { continue }
            made += 1
            let json = try JSONParser.parse(text)
            let parsedItems = try XCTUnwrap(json["items"]?.arrayValue ?? json.arrayValue, text)
            let expected = parsedItems.flatMap { item -> [UInt8] in
                var line = self.expectedLine(item.compactText, masking: masking)!
                line.append(0x0A)
                return line
            }
            XCTAssertEqual(list.lines, expected, text)
            XCTAssertEqual(list.itemCount, parsedItems.count, text)
            XCTAssertEqual(list.keys, PageWalker.keys(of: parsedItems, idKey: "id"), text)
            XCTAssertEqual(list.count, json["count"], text)
            for kept in 0...parsedItems.count {
                let prefix: [UInt8] = parsedItems.prefix(kept).flatMap { item -> [UInt8] in self.expectedLine(item.compactText, masking: masking)! + [UInt8(0x0A)] }
                XCTAssertEqual(Array(list.prefix(kept)), prefix, text)
            }
        }
        XCTAssertGreaterThan(made, 300)
    }

    /// Compact mode of the streaming parser, any chunking: the lines tree mode's items give.
    func testStreamingCompactModeMatchesTreeMode() throws {
        var generator = Generator()
        for round in 0..<300 {
            let items = (0..<generator.int(8)).map { _ in generator.item() }
            let text = #"{"count": 3, "items": ["# + items.joined(separator: " ,\n") + "], \"tail\": " + generator.value(depth: 2) + "}"
            let masking = round % 2 == 0 ? Generator.secrets : []
            let compactor = try XCTUnwrap(JSONCompactor(maskedKeys: masking))
            let bytes = Array(text.utf8)
            for chunk in [1, 3, 7, 64, 100_000] {
                var trees: [JSON] = []
                var treeError: String?
                let tree = StreamingListParser { trees.append($0) }
                var lines: [UInt8] = []
                var compactError: String?
                let compact = StreamingListParser(compactor: compactor) { lines.append(contentsOf: $0); lines.append(0x0A) }
                func run(_ parser: StreamingListParser) -> String? {
                    do {
                        var index = 0
                        while index < bytes.count {
                            try parser.feed(bytes[index..<min(index + chunk, bytes.count)])
                            index += chunk
                        }
                        try parser.finish()
                        return nil
                    } catch {
                        return String(describing: error)
                    }
                }
                treeError = run(tree)
                compactError = run(compact)
                XCTAssertEqual(compactError, treeError, text)
                XCTAssertEqual(compact.itemCount, tree.itemCount, text)
                XCTAssertEqual(compact.envelope, tree.envelope, text)
                let expected: [UInt8] = trees.flatMap { item -> [UInt8] in self.expectedLine(item.compactText, masking: masking)! + [UInt8(0x0A)] }
                XCTAssertEqual(lines, expected, "\(text) chunk \(chunk)")
            }
        }
    }

    /// The renderer offers the copy only where `emit` prints whole items as JSON Lines.
    func testRendererOffersCompactLinesOnlyForWholeJSONLines() {
        func renderer(_ format: OutputFormat, fields: [String]? = nil, quiet: Bool = false, masking: [String] = []) -> Renderer {
            var options = OutputOptions()
            options.format = format
            options.fields = fields
            options.quiet = quiet
            return Renderer(options: options, sink: StringSink(), masking: masking)
        }
        XCTAssertNotNil(renderer(.jsonl).compactor)
        XCTAssertNotNil(renderer(.jsonl, masking: ["password"]).compactor)
        XCTAssertNil(renderer(.jsonl, masking: ["office.pin"]).compactor)
        XCTAssertNil(renderer(.jsonl, fields: ["id"]).compactor)
        XCTAssertNil(renderer(.jsonl, quiet: true).compactor)
        for format in [OutputFormat.json, .csv, .tsv, .table] { XCTAssertNil(renderer(format).compactor) }

        let items: [JSON] = [["id": "1", "password": "s3cret", "name": "é \"q\""], ["id": 2, "password": .null, "n": [.number("1.5"), ["x": true]]]]
        var options = OutputOptions()
        options.format = .jsonl
        let general = StringSink()
        let viaEmit = Renderer(options: options, sink: general, masking: ["password"])
        viaEmit.emit(items)
        viaEmit.finishList()
        let copied = StringSink()
        let viaCopy = Renderer(options: options, sink: copied, masking: ["password"])
        let text = "[" + items.map(\.compactText).joined(separator: " , ") + "]"
        let list = Array(text.utf8).withUnsafeBufferPointer { CompactList.make($0, idKey: "id", compactor: viaCopy.compactor!) }
        viaCopy.emit(compactLines: list!.lines)
        viaCopy.finishList()
        XCTAssertEqual(copied.text, general.text)
        XCTAssertEqual(general.text, "{\"id\":\"1\",\"password\":\"***\",\"name\":\"é \\\"q\\\"\"}\n{\"id\":2,\"password\":null,\"n\":[1.5,{\"x\":true}]}\n")
    }
}
