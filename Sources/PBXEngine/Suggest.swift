/// "Did you mean" by edit distance.
public enum Suggest {
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The nearest candidates within a distance that grows with the word's length, or sharing its prefix.
    public static func closest(_ word: String, among candidates: [String]) -> [String] {
        let limit = max(1, min(3, word.count / 3 + 1))
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        // Only the nearest: `--limt` means `--limit`, not also `--quiet` three edits away.
        let best = scored.map(\.1).min() ?? Int.max
        let near = scored.filter { $0.1 <= limit && $0.1 == best }.sorted { $0.0 < $1.0 }.map(\.0)
        if !near.isEmpty { return Array(near.prefix(3)) }
        if word.count >= 2 {
            let prefixed = candidates.filter { $0.hasPrefix(word) || word.hasPrefix($0) && $0.count >= 3 }.sorted()
            return Array(prefixed.prefix(3))
        }
        return []
    }

    public static func hint(_ word: String, among candidates: [String], format: (String) -> String = { $0 }) -> String {
        hintLines(word, among: candidates, format: format).map { "\n" + $0 }.joined()
    }

    /// The hint as lines of a message (`APIError.usage(lines:)`): a blank one, then the question.
    public static func hintLines(_ word: String, among candidates: [String], format: (String) -> String = { $0 }) -> [String] {
        let found = closest(word, among: candidates)
        guard !found.isEmpty else { return [] }
        return ["", "Did you mean " + found.map { "'\(format($0))'" }.joined(separator: " or ") + "?"]
    }
}
