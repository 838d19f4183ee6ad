extension JSON {
    /// One line, no spaces: the form for JSON Lines, CSV cells and request bodies.
    public var compactText: String { String(decoding: compactBytes, as: UTF8.self) }

    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter.write(self, into: &out, pretty: false, level: 0)
        return out
    }

    /// Appends the compact form to `out`: many lines into one buffer, no array per line.
    public func writeCompact(into out: inout [UInt8]) {
        JSONWriter.write(self, into: &out, pretty: false, level: 0)
    }

    /// Two-space indentation, `"key": value`, like jq.
    public var prettyText: String {
        var out: [UInt8] = []
        JSONWriter.write(self, into: &out, pretty: true, level: 0)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Writes UTF-8 bytes directly: this is the hot path of every list printed as JSON.
enum JSONWriter {
    static func write(_ value: JSON, into out: inout [UInt8], pretty: Bool, level: Int) {
        switch value {
        case .null: append("null", to: &out)
        case .bool(let flag): append(flag ? "true" : "false", to: &out)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            if items.isEmpty {
                append("[]", to: &out)
                return
            }
            out.append(0x5B)
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(0x2C) }
                if pretty { newline(&out, level + 1) }
                write(item, into: &out, pretty: pretty, level: level + 1)
            }
            if pretty { newline(&out, level) }
            out.append(0x5D)
        case .object(let object):
            if object.isEmpty {
                append("{}", to: &out)
                return
            }
            out.append(0x7B)
            for (position, entry) in object.entries.enumerated() {
                if position > 0 { out.append(0x2C) }
                if pretty { newline(&out, level + 1) }
                writeString(entry.key, into: &out)
                out.append(0x3A)
                if pretty { out.append(0x20) }
                write(entry.value, into: &out, pretty: pretty, level: level + 1)
            }
            if pretty { newline(&out, level) }
            out.append(0x7D)
        }
    }

    /// Constant text without building an array for it (this runs once per value).
    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private static func newline(_ out: inout [UInt8], _ level: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: level * 2))
    }

    /// Bytes a JSON string cannot hold as they are: control characters, `"` and `\`.
    private static let mustEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(0x22)
        var copy = text
        copy.withUTF8 { bytes in
            var runStart = 0
            mustEscape.withUnsafeBufferPointer { mustEscape in
                for index in 0..<bytes.count {
                    let byte = bytes[index]
                    guard mustEscape[Int(byte)] else { continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    switch byte {
                    case 0x22: append("\\\"", to: &out)
                    case 0x5C: append("\\\\", to: &out)
                    case 0x0A: append("\\n", to: &out)
                    case 0x0D: append("\\r", to: &out)
                    case 0x09: append("\\t", to: &out)
                    case 0x08: append("\\b", to: &out)
                    case 0x0C: append("\\f", to: &out)
                    default:
                        let hex = Array("0123456789abcdef".utf8)
                        out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                    }
                    runStart = index + 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(0x22)
    }
}
