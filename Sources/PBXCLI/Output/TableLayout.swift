import PBXClient
import PBXEngine
/// Aligned columns. On a terminal the table fits its width (the widest columns are
/// cut with …, never the `whole` one: an ID must stay copyable); piped, nothing is
/// cut or coloured.
enum TableLayout {
    static func render(header: [String]?, rows: [[String]], options: OutputOptions, keyColumn: Bool = false, whole: Int? = nil) -> String {
        let all = (header.map { [$0] } ?? []) + rows
        guard let columnCount = all.map(\.count).max(), columnCount > 0 else { return "" }
        // One line per cell, by scalar ("\r\n" is one Character and would pass a Character
        // test): a tab is a space, a line break and what a terminal would act on (escapes,
        // bidi) are shown escaped (`\n`, `\x1B`).
        let sanitized = all.map { row in
            row.map { cell in
                TerminalText.escape(String(String.UnicodeScalarView(cell.unicodeScalars.map { $0 == "\t" ? " " : $0 })))
            }
        }
        var widths = (0..<columnCount).map { column in sanitized.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        let gap = 2
        if options.isTTY {
            let available = max(options.width, 20)
            var total = widths.reduce(0, +) + gap * (columnCount - 1)
            while total > available {
                let cuttable = widths.indices.filter { $0 != whole }
                guard let widest = cuttable.max(by: { widths[$0] < widths[$1] }), widths[widest] > 6 else { break }
                let cut = min(total - available, widths[widest] - 6)
                let secondWidest = cuttable.filter { $0 != widest }.map { widths[$0] }.max() ?? 0
                let step = max(1, min(cut, widths[widest] - max(secondWidest, 6)))
                widths[widest] -= step
                total -= step
            }
        }
        var out = ""
        for (rowIndex, row) in sanitized.enumerated() {
            var line = ""
            for column in 0..<columnCount {
                var cell = column < row.count ? row[column] : ""
                if cell.count > widths[column] { cell = String(cell.prefix(max(widths[column] - 1, 0))) + "…" }
                let isLast = column == columnCount - 1
                let padded = isLast ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + gap)
                let bold = options.color && (rowIndex == 0 && header != nil || keyColumn && column == 0)
                line += bold ? "\u{1B}[1m" + padded + "\u{1B}[0m" : padded
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
