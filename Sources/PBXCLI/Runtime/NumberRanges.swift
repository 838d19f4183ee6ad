import Foundation
import PBXClient

/// The documented range of every number pbxctl accepts (docs/configuration.md):
/// nothing out of range reaches arithmetic that could trap or a libcurl option that
/// would read 0 as "no limit".
enum NumberRanges {
    static let timeout: ClosedRange<Double> = 0.1...86_400
    static let maxTime: ClosedRange<Double> = 0.1...604_800
    static let retries: ClosedRange<Int> = 0...100
    static let limit: ClosedRange<Int> = 1...1_000_000_000
    static let wait: ClosedRange<Double> = 0...86_400
    static let backoffBaseMS: ClosedRange<Double> = 1...60_000
    static let maxBodyMB: ClosedRange<Int> = 1...4_096

    /// An environment knob within its range; set but out of range (or not a number) is a usage error.
    static func environment(_ name: String, _ environment: [String: String], in range: ClosedRange<Double>) throws -> Double? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = decimal(text), range.contains(value) else {
            throw APIError.usage("\(name) must be \(self.text(range.lowerBound)) to \(self.text(range.upperBound)), not '\(text.prefix(40))'")
        }
        return value
    }

    /// A plain decimal number: an optional sign, digits and an optional fraction (`2`,
    /// `-1.5`). Swift's Double() also reads `0x10`, `1e3`, `inf`, `nan` and `.5`, which
    /// nobody means as a number of seconds.
    static func decimal(_ text: String) -> Double? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }) else { return nil }
        return Double(text)
    }

    /// A whole number in plain decimal (an optional sign, digits).
    static func integer(_ text: String) -> Int? {
        decimal(text) != nil && !text.contains(".") ? Int(text) : nil
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
