/// Parses a list answer — `{"count": N, "items": [...]}` or a bare array — as its
/// bytes arrive, handing over one item at a time. Memory holds one item, not the
/// answer, however long the list. Other top-level fields land in `envelope`.
public final class StreamingListParser {
    public private(set) var envelope = JSONObject()
    public private(set) var itemCount = 0
    private let onItem: (JSON) throws -> Void
    /// Set in compact mode: items go to `onCompactItem` as their compact bytes.
    private let compactor: JSONCompactor?
    private let onCompactItem: (UnsafeBufferPointer<UInt8>) throws -> Void
    private var compactBuffer: [UInt8] = []
    private var scratch = JSONCompactor.Scratch()
    private let itemsKey: String

    private enum State { case start, key, colon, valueStart, value, items, afterItems, done }
    private var state = State.start
    private var depth = 0
    private var itemsDepth = 0
    private var inString = false
    private var escaped = false
    private var buffer: [UInt8] = []
    private var currentKey = ""
    private var offset = 0

    private let maxValueBytes: Int

    /// An item (or envelope value) longer than this is refused.
    public struct ValueTooLarge: Error, Equatable {
        public let limit: Int
    }

    /// `maxValueBytes` bounds one item (or other top-level value): memory holds at most
    /// that much of the answer, whatever the server sends.
    public init(itemsKey: String = "items", maxValueBytes: Int = Int.max, onItem: @escaping (JSON) throws -> Void) {
        self.itemsKey = itemsKey
        self.maxValueBytes = maxValueBytes
        self.onItem = onItem
        compactor = nil
        onCompactItem = { _ in }
    }

    /// Compact mode: each item is handed over as its compact form (masked as `compactor`
    /// masks), the bytes `writeCompact` gives for the parsed item, made by `compactor`
    /// where it can and by the parser where it cannot. The bytes are valid only during
    /// the call. The envelope, errors and limits are as in the other mode.
    public init(itemsKey: String = "items", maxValueBytes: Int = Int.max, compactor: JSONCompactor,
                onCompactItem: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void)
    {
        self.itemsKey = itemsKey
        self.maxValueBytes = maxValueBytes
        onItem = { _ in }
        self.compactor = compactor
        self.onCompactItem = onCompactItem
        compactBuffer.reserveCapacity(1024)
    }

    private func deliver(_ item: JSON) throws {
        if let compactor {
            compactBuffer.removeAll(keepingCapacity: true)
            compactor.writeCompact(item, into: &compactBuffer)
            try deliverCompactBuffer()
        } else {
            try onItem(item)
        }
    }

    private func deliverCompactBuffer() throws {
        try compactBuffer.withUnsafeBufferPointer { try onCompactItem($0) }
    }

    public func feed<Bytes: Sequence>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        if try bytes.withContiguousStorageIfAvailable({ try feed(contiguous: $0) }) != nil { return }
        try Array(bytes).withUnsafeBufferPointer { try feed(contiguous: $0) }
    }

    /// The envelope goes byte by byte through `step`; the inside of a value (nearly all
    /// of a long list) is scanned in a tight loop over locals and copied in spans.
    private func feed(contiguous chunk: UnsafeBufferPointer<UInt8>) throws {
        var index = 0
        while index < chunk.count {
            if state == .items, buffer.isEmpty, !inString, let next = try parseWhole(chunk, from: index) {
                offset += next - index
                index = next
                continue
            }
            if state == .items || state == .value {
                let end = scanValue(chunk, from: index, boundary: state == .items ? itemsDepth : 1)
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[index..<end]))
                offset += end - index
                if buffer.count > maxValueBytes { throw ValueTooLarge(limit: maxValueBytes) }
                index = end
                if index == chunk.count { break }
            }
            try step(chunk[index])
            offset += 1
            index += 1
            if buffer.count > maxValueBytes { throw ValueTooLarge(limit: maxValueBytes) }
        }
    }

    /// An item that lies whole in the chunk, with the `,` or `]` after it, is parsed
    /// straight from the chunk: no copy, no second pass. Returns the index past that
    /// `,` or `]`, or nil to take the byte-tracking path from `start` (an item cut by the
    /// chunk's end, an empty list, or anything malformed, which that path reports).
    private func parseWhole(_ chunk: UnsafeBufferPointer<UInt8>, from start: Int) throws -> Int? {
        var item: JSON?
        let end: Int
        if let compactor {
            compactBuffer.removeAll(keepingCapacity: true)
            if let compactEnd = compactor.compact(chunk, from: start, into: &compactBuffer, scratch: &scratch) {
                end = compactEnd
            } else {
                guard let (parsed, parsedEnd) = try? JSONParser.parseValue(in: chunk, from: start) else { return nil }
                compactor.writeCompact(parsed, into: &compactBuffer)
                end = parsedEnd
            }
        } else {
            guard let (parsed, parsedEnd) = try? JSONParser.parseValue(in: chunk, from: start) else { return nil }
            item = parsed
            end = parsedEnd
        }
        var next = end
        while next < chunk.count, chunk[next] == 0x20 || chunk[next] == 0x0A || chunk[next] == 0x0D || chunk[next] == 0x09 { next += 1 }
        guard next < chunk.count, chunk[next] == UInt8(ascii: ",") || chunk[next] == UInt8(ascii: "]") else { return nil }
        if next - start > maxValueBytes { throw ValueTooLarge(limit: maxValueBytes) }
        itemCount += 1
        if let item { try onItem(item) } else { try deliverCompactBuffer() }
        if chunk[next] == UInt8(ascii: "]") {
            depth -= 1
            state = itemsDepth == 1 ? .done : .afterItems
        }
        return next + 1
    }

    /// The end of the span that belongs to the current value: the index of the `,` or
    /// closing bracket at `boundary` depth that ends it, or the chunk's end. Tracks
    /// strings, escapes and nesting exactly as `accumulate` does.
    private func scanValue(_ chunk: UnsafeBufferPointer<UInt8>, from start: Int, boundary: Int) -> Int {
        var inString = self.inString
        var escaped = self.escaped
        var depth = self.depth
        var index = start
        defer {
            self.inString = inString
            self.escaped = escaped
            self.depth = depth
        }
        while index < chunk.count {
            let byte = chunk[index]
            if inString {
                Self.stringByte(byte, escaped: &escaped, inString: &inString)
                index += 1
                continue
            }
            guard Self.structural(byte, depth: &depth, inString: &inString, boundary: boundary) else { return index }
            index += 1
        }
        return index
    }

    /// Call at the end of the answer: a list cut short is an error.
    public func finish() throws {
        guard state == .done else { throw JSONParseError(offset: offset, reason: "the answer ended before the list was complete") }
    }

    private func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: offset, reason: reason) }

    private func step(_ byte: UInt8) throws {
        if inString {
            buffer.append(byte)
            Self.stringByte(byte, escaped: &escaped, inString: &inString)
            if !inString, state == .key {
                guard case .string(let key) = try JSONParser.parse(buffer) else { throw fail("invalid key") }
                currentKey = key
                buffer.removeAll(keepingCapacity: true)
                state = .colon
            }
            return
        }
        switch byte {
        case 0x20, 0x0A, 0x0D, 0x09:
            if state == .value || state == .items { buffer.append(byte) }
            return
        default:
            break
        }
        switch state {
        case .start:
            if byte == UInt8(ascii: "{") {
                depth = 1
                state = .key
            } else if byte == UInt8(ascii: "[") {
                depth = 1
                itemsDepth = 1
                state = .items
            } else {
                throw fail("expected a JSON object or array")
            }
        case .key:
            if byte == UInt8(ascii: "\"") {
                buffer = [byte]
                inString = true
            } else if byte == UInt8(ascii: "}") {
                depth = 0
                state = .done
            } else if byte != UInt8(ascii: ",") {
                throw fail("expected a key")
            }
        case .colon:
            guard byte == UInt8(ascii: ":") else { throw fail("expected ':'") }
            state = .valueStart
        case .valueStart:
            if currentKey == itemsKey, byte == UInt8(ascii: "[") {
                depth = 2
                itemsDepth = 2
                state = .items
                return
            }
            state = .value
            buffer.removeAll(keepingCapacity: true)
            try step(byte)
        case .value:
            // A top-level value other than the items ends at a ',' or '}' of depth 1.
            if accumulate(byte, boundary: 1) { return }
            try finishValue()
            if byte == UInt8(ascii: ",") {
                state = .key
            } else {
                depth = 0
                state = .done
            }
        case .items:
            // An item ends at a ',' or the closing ']' of the items array.
            if accumulate(byte, boundary: itemsDepth) { return }
            if byte == UInt8(ascii: ",") {
                guard try flushItem() else { throw fail("empty list element") }
            } else {
                guard byte == UInt8(ascii: "]") else { throw fail("unbalanced brackets") }
                try flushItem()
                depth -= 1
                state = itemsDepth == 1 ? .done : .afterItems
            }
        case .afterItems:
            if byte == UInt8(ascii: ",") {
                state = .key
            } else if byte == UInt8(ascii: "}") {
                depth = 0
                state = .done
            } else {
                throw fail("expected ',' or '}' after the items")
            }
        case .done:
            throw fail("unexpected data after the answer")
        }
    }

    /// Adds a byte of a value being collected, tracking strings and nesting. Returns
    /// false at the value's end: a ',' or closing bracket at `boundary` depth.
    private func accumulate(_ byte: UInt8, boundary: Int) -> Bool {
        guard Self.structural(byte, depth: &depth, inString: &inString, boundary: boundary) else { return false }
        buffer.append(byte)
        return true
    }

    /// A byte inside a string, for both the span scan and the byte path: follows
    /// escapes and notices the closing quote.
    @inline(__always)
    private static func stringByte(_ byte: UInt8, escaped: inout Bool, inString: inout Bool) {
        if escaped {
            escaped = false
        } else if byte == UInt8(ascii: "\\") {
            escaped = true
        } else if byte == UInt8(ascii: "\"") {
            inString = false
        }
    }

    /// A byte outside a string, for both the span scan and the byte path: opens a string,
    /// tracks nesting, and returns false when it ends the value (a `,` or closing bracket
    /// at `boundary` depth).
    @inline(__always)
    private static func structural(_ byte: UInt8, depth: inout Int, inString: inout Bool, boundary: Int) -> Bool {
        switch byte {
        case UInt8(ascii: "\""):
            inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if depth == boundary { return false }
            depth -= 1
        case UInt8(ascii: ","):
            if depth == boundary { return false }
        default:
            break
        }
        return true
    }

    private func finishValue() throws {
        envelope[currentKey] = try JSONParser.parse(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    @discardableResult
    private func flushItem() throws -> Bool {
        guard buffer.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            buffer.removeAll(keepingCapacity: true)
            return false
        }
        if let compactor {
            compactBuffer.removeAll(keepingCapacity: true)
            let compacted = buffer.withUnsafeBufferPointer { bytes -> Bool in
                guard var end = compactor.compact(bytes, from: 0, into: &compactBuffer, scratch: &scratch) else { return false }
                while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x0A || bytes[end] == 0x0D || bytes[end] == 0x09 { end += 1 }
                return end == bytes.count
            }
            if compacted {
                buffer.removeAll(keepingCapacity: true)
                itemCount += 1
                try deliverCompactBuffer()
                return true
            }
        }
        let item = try JSONParser.parse(buffer)
        buffer.removeAll(keepingCapacity: true)
        itemCount += 1
        try deliver(item)
        return true
    }
}
