import Foundation
import PBXClient
import PBXEngine

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

    static func decimal(_ text: String) -> Double? { NumberText.decimal(text) }

    static func integer(_ text: String) -> Int? { NumberText.integer(text) }

    static func text(_ value: Double) -> String { NumberText.text(value) }
}
