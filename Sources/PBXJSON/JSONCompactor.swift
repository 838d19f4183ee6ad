/// Writes the compact form of a JSON value — the bytes `JSONParser.parse` followed by
/// `writeCompact` give — straight from the value's bytes, with no tree: a list printed
/// as JSON Lines is copied span by span instead of being parsed, freed and rewritten.
///
/// It only takes the values whose compact form it can be sure of, and returns nil for
/// anything else, leaving it to the parser (which also words the errors): malformed
/// input, a repeated key (the parser keeps the last value in the first one's place), a
/// key that is not ASCII (Swift compares strings by canonical equivalence), a `\u` or
/// `\/` escape (the writer spells those characters differently), nesting past the
/// parser's limit. Strings and numbers are otherwise written as they came: the parser
/// keeps numbers as their text, and the escapes left (`\" \\ \b \f \n \r \t`) are the
/// ones the writer uses for those characters.
///
/// `maskedKeys` are top-level keys of an object whose non-null value is written as
/// `mask` instead, as `Renderer` masks secrets.
public struct JSONCompactor: Sendable {
    let maskedKeys: [[UInt8]]
    let mask: [UInt8]

    /// Nil when a key cannot be matched byte for byte (not plain printable ASCII).
    public init?(maskedKeys: [String] = [], mask: String = "***") {
        var keys: [[UInt8]] = []
        for key in maskedKeys {
            let bytes = Array(key.utf8)
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) else { return nil }
            keys.append(bytes)
        }
        self.maskedKeys = keys
        var encoded: [UInt8] = []
        JSONWriter.writeString(mask, into: &encoded)
        self.mask = encoded
    }

    /// Appends the compact form of the value at `start` (after optional whitespace) to
    /// `out` and returns the index just past it, or nil (with `out` as it was) for a value
    /// left to the parser. What follows the value is the caller's.
    public func compact(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout [UInt8]) -> Int? {
        var scratch = Scratch()
        return compactItem(bytes, from: start, into: &out, idKey: nil, scratch: &scratch)?.end
    }

    /// `compact` reusing `scratch`'s memory from one value to the next.
    public func compact(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout [UInt8], scratch: inout Scratch) -> Int? {
        compactItem(bytes, from: start, into: &out, idKey: nil, scratch: &scratch)?.end
    }

    /// Memory a compactor's scan works in, kept by a caller that compacts many values.
    public struct Scratch {
        var keySpans: [Int] = []
        public init() { keySpans.reserveCapacity(64) }
    }

    /// As `compact`, and where the value is an object with the top-level key `idKey`,
    /// the range of `out` that holds that key's (unmasked) value. `masked` tells whether
    /// a value was masked.
    func compactItem(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout [UInt8], idKey: [UInt8]?, scratch: inout Scratch)
        -> (end: Int, id: Range<Int>?, masked: Bool)?
    {
        var scanner = Scanner(bytes: bytes, index: start, maskedKeys: maskedKeys, mask: mask, idKey: idKey)
        swap(&scanner.out, &out)
        swap(&scanner.keySpans, &scratch.keySpans)
        defer {
            scanner.keySpans.removeAll(keepingCapacity: true)
            swap(&scanner.keySpans, &scratch.keySpans)
        }
        let mark = scanner.out.count
        scanner.skipWhitespace()
        let ok = scanner.value(top: true)
        if ok { scanner.flush() } else { scanner.out.removeSubrange(mark...) }
        swap(&scanner.out, &out)
        return ok ? (scanner.index, scanner.idRange, scanner.maskedAny) : nil
    }

    /// The compact form of a parsed value, masked as `compact` masks: for the items the
    /// compactor left to the parser.
    public func writeCompact(_ value: JSON, into out: inout [UInt8]) {
        guard !maskedKeys.isEmpty, case .object(var object) = value else {
            value.writeCompact(into: &out)
            return
        }
        let maskText = String(decoding: mask.dropFirst().dropLast(), as: UTF8.self)
        for key in maskedKeys {
            let name = String(decoding: key, as: UTF8.self)
            if let current = object[name], !current.isNull { object[name] = .string(maskText) }
        }
        JSON.object(object).writeCompact(into: &out)
    }

    /// Whether the `count` bytes at `a` and at `b` are the same.
    @inline(__always)
    static func same(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ count: Int) -> Bool {
        for offset in 0..<count where bytes[a + offset] != bytes[b + offset] { return false }
        return true
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int
        var out: [UInt8] = []
        /// Input from here to `index` is compact output not yet copied.
        var runStart: Int
        var depth = 0
        /// (start, length) of the keys of the objects open, innermost last.
        var keySpans: [Int] = []
        let maskedKeys: [[UInt8]]
        let mask: [UInt8]
        let idKey: [UInt8]?
        var idRange: Range<Int>?
        var maskedAny = false

        init(bytes: UnsafeBufferPointer<UInt8>, index: Int, maskedKeys: [[UInt8]], mask: [UInt8], idKey: [UInt8]?) {
            self.bytes = bytes
            self.index = index
            runStart = index
            self.maskedKeys = maskedKeys
            self.mask = mask
            self.idKey = idKey
        }

        @inline(__always)
        mutating func flush() {
            if index > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            runStart = index
        }

        /// The high bit of each byte of `word` that is `"`, `\`, below 0x20 or not ASCII;
        /// the lowest one set is exact (borrows only run upwards).
        @inline(__always)
        static func specialBytes(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let hasQuote = (quote &- ones) & ~quote
            let hasBackslash = (backslash &- ones) & ~backslash
            let control = (word &- ones &* 0x20) & ~word
            return (hasQuote | hasBackslash | control | word) & highs
        }

        @inline(__always)
        static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

        @inline(__always)
        mutating func skipWhitespace() {
            guard index < bytes.count, Self.isWhitespace(bytes[index]) else { return }
            flush()
            repeat { index += 1 } while index < bytes.count && Self.isWhitespace(bytes[index])
            runStart = index
        }

        mutating func value(top: Bool) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(top: top)
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string(key: false)
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let start = word.utf8Start
            for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
            index += count
            return true
        }

        @inline(__always)

        /// JSONParser.parseNumber's grammar; the text is kept as it is.
        mutating func number() -> Bool { JSONNumberGrammar.scan(bytes, &index) }

        /// A string at `index` (its opening quote), copied as it is when it may be.
        mutating func string(key: Bool) -> Bool {
            index += 1
            let start = index
            var ascii = true
            do {
                while true {
                    // Runs of bytes held as they are: printable ASCII but `"` and `\`,
                    // eight at a time while eight are left.
                    while index + 8 <= bytes.count {
                        let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
                        let special = Self.specialBytes(word)
                        if special != 0 {
                            index += special.trailingZeroBitCount >> 3
                            break
                        }
                        index += 8
                    }
                    while index < bytes.count {
                        let byte = bytes[index]
                        guard byte != 0x22, byte != 0x5C, byte &- 0x20 < 0x60 else { break }
                        index += 1
                    }
                    guard index < bytes.count else { return false }
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        if !ascii {
                            // Exactly the parser's check, and the only allocation here:
                            // escapes left in are ASCII, so the raw text is valid UTF-8
                            // exactly when the decoded text is.
                            if key || String(validating: bytes[start..<index], as: UTF8.self) == nil { return false }
                        }
                        index += 1
                        return true
                    }
                    if byte == UInt8(ascii: "\\") {
                        index += 1
                        guard index < bytes.count else { return false }
                        switch bytes[index] {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                            index += 1
                            continue
                        default:
                            return false
                        }
                    }
                    if byte < 0x20 { return false }
                    ascii = false
                    index += 1
                }
            }
        }

        mutating func array() -> Bool {
            depth += 1
            if depth > 512 { return false }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return true
            }
            while true {
                skipWhitespace()
                guard value(top: false) else { return false }
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    depth -= 1
                    return true
                }
                return false
            }
        }

        func matches(_ name: [UInt8], start: Int, count: Int) -> Bool {
            guard name.count == count else { return false }
            for offset in 0..<count where name[offset] != bytes[start + offset] { return false }
            return true
        }

        mutating func object(top: Bool) -> Bool {
            depth += 1
            if depth > 512 { return false }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return true
            }
            let frame = keySpans.count
            // A 64-bit sketch of the keys seen (length, first and last byte): only a key
            // whose bit is already set is compared with the others.
            var sketch: UInt64 = 0
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
                let keyStart = index + 1
                guard string(key: true) else { return false }
                let keyCount = index - 1 - keyStart
                let bit: UInt64 = 1 << ((UInt64(truncatingIfNeeded: keyCount) &* 7 &+ UInt64(bytes[keyStart]) &* 31 &+ UInt64(bytes[index - 2])) & 63)
                var other = sketch & bit == 0 ? keySpans.count : frame
                sketch |= bit
                while other < keySpans.count {
                    if keySpans[other + 1] == keyCount,
                        JSONCompactor.same(bytes, keySpans[other], keyStart, keyCount)
                    {
                        return false
                    }
                    other += 2
                }
                keySpans.append(keyStart)
                keySpans.append(keyCount)
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipWhitespace()
                if top, !maskedKeys.isEmpty, index < bytes.count, bytes[index] != UInt8(ascii: "n"),
                    maskedKeys.contains(where: { matches($0, start: keyStart, count: keyCount) })
                {
                    // Checked like any value, written as the mask.
                    flush()
                    let mark = out.count
                    guard value(top: false) else { return false }
                    out.removeSubrange(mark...)
                    out.append(contentsOf: mask)
                    runStart = index
                    maskedAny = true
                } else if top, let idKey, matches(idKey, start: keyStart, count: keyCount) {
                    flush()
                    let mark = out.count
                    guard value(top: false) else { return false }
                    flush()
                    idRange = mark..<out.count
                } else {
                    guard value(top: false) else { return false }
                }
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    depth -= 1
                    keySpans.removeSubrange(frame...)
                    return true
                }
                return false
            }
        }
    }
}

/// A list answer's items as JSON Lines, made by `JSONCompactor` from the answer's bytes.
public struct CompactList: Sendable {
    /// Every item's compact form, each followed by a newline.
    public var lines: [UInt8] = []
    /// Where each item's line ends (just past its newline).
    public var lineEnds: [Int] = []
    /// Per item, what tells it apart (as `PageWalker.keys` gives it): the compact form of
    /// its `idKey` value, or of the whole item when it has none.
    public var keys: [String] = []
    /// The answer's `count`, when it has one.
    public var count: JSON?

    public var itemCount: Int { lineEnds.count }

    /// The lines of the first `items` items.
    public func prefix(_ items: Int) -> ArraySlice<UInt8> {
        items >= lineEnds.count ? lines[...] : lines[..<(items == 0 ? 0 : lineEnds[items - 1])]
    }

    /// A list answer — `{"count": N, "items": [...], ...}` or a bare array — when it is
    /// one the compactor takes whole; nil for any other (the caller parses it, which
    /// reports whatever is wrong). The envelope's other values are checked, not kept.
    public static func make(_ body: UnsafeBufferPointer<UInt8>, itemsKey: String = "items", idKey: String, compactor: JSONCompactor) -> CompactList? {
        let idBytes = Array(idKey.utf8)
        let itemsBytes = Array(itemsKey.utf8)
        // Keys are matched byte for byte: only plain ASCII ones.
        guard (idBytes + itemsBytes).allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) else { return nil }
        var list = CompactList()
        list.lines.reserveCapacity(body.count)
        list.lineEnds.reserveCapacity(128)
        list.keys.reserveCapacity(128)
        var itemScratch = JSONCompactor.Scratch()
        var scanner = JSONCompactor.Scanner(bytes: body, index: 0, maskedKeys: [], mask: [], idKey: nil)
        var scratch: [UInt8] = []

        func items(from start: Int) -> Int? {
            var index = start + 1
            func skip() { while index < body.count, JSONCompactor.Scanner.isWhitespace(body[index]) { index += 1 } }
            skip()
            if index < body.count, body[index] == UInt8(ascii: "]") { return index + 1 }
            while true {
                let lineStart = list.lines.count
                guard let (end, id, masked) = compactor.compactItem(body, from: index, into: &list.lines, idKey: idBytes, scratch: &itemScratch) else { return nil }
                if let id {
                    list.keys.append(String(decoding: list.lines[id], as: UTF8.self))
                } else {
                    // The parser's key is the unmasked item.
                    if masked { return nil }
                    list.keys.append(String(decoding: list.lines[lineStart...], as: UTF8.self))
                }
                list.lines.append(0x0A)
                list.lineEnds.append(list.lines.count)
                index = end
                skip()
                guard index < body.count else { return nil }
                if body[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                return body[index] == UInt8(ascii: "]") ? index + 1 : nil
            }
        }

        func skipWhitespace() { while scanner.index < body.count, JSONCompactor.Scanner.isWhitespace(body[scanner.index]) { scanner.index += 1 } }
        skipWhitespace()
        guard scanner.index < body.count else { return nil }
        if body[scanner.index] == UInt8(ascii: "[") {
            // A bare array: its elements are the items, and there is no count.
            guard let end = items(from: scanner.index) else { return nil }
            scanner.index = end
        } else {
            guard body[scanner.index] == UInt8(ascii: "{") else { return nil }
            scanner.index += 1
            var seenItems = false
            var first = true
            while true {
                skipWhitespace()
                guard scanner.index < body.count else { return nil }
                if first, body[scanner.index] == UInt8(ascii: "}") { return nil }
                first = false
                guard body[scanner.index] == UInt8(ascii: "\"") else { return nil }
                let keyStart = scanner.index + 1
                guard scanner.string(key: true) else { return nil }
                let keyCount = scanner.index - 1 - keyStart
                // A repeated top-level key: the parser's rules, not ours.
                var other = 0
                while other < scanner.keySpans.count {
                    if scanner.keySpans[other + 1] == keyCount,
                        JSONCompactor.same(body, scanner.keySpans[other], keyStart, keyCount)
                    {
                        return nil
                    }
                    other += 2
                }
                scanner.keySpans.append(keyStart)
                scanner.keySpans.append(keyCount)
                skipWhitespace()
                guard scanner.index < body.count, body[scanner.index] == UInt8(ascii: ":") else { return nil }
                scanner.index += 1
                skipWhitespace()
                if scanner.matches(itemsBytes, start: keyStart, count: keyCount) {
                    guard scanner.index < body.count, body[scanner.index] == UInt8(ascii: "["), let end = items(from: scanner.index) else { return nil }
                    scanner.index = end
                    seenItems = true
                } else {
                    let valueStart = scanner.index
                    scratch.removeAll(keepingCapacity: true)
                    guard let end = JSONCompactor(maskedKeys: [])!.compact(body, from: valueStart, into: &scratch, scratch: &itemScratch) else { return nil }
                    if scanner.matches(Array("count".utf8), start: keyStart, count: keyCount) {
                        guard let value = try? JSONParser.parse(buffer: UnsafeBufferPointer(rebasing: body[valueStart..<end])) else { return nil }
                        list.count = value
                    }
                    scanner.index = end
                }
                skipWhitespace()
                guard scanner.index < body.count else { return nil }
                if body[scanner.index] == UInt8(ascii: ",") {
                    scanner.index += 1
                    continue
                }
                guard body[scanner.index] == UInt8(ascii: "}") else { return nil }
                scanner.index += 1
                break
            }
            guard seenItems else { return nil }
        }
        skipWhitespace()
        return scanner.index == body.count ? list : nil
    }
}
