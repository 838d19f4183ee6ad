import Foundation
import PBXEngine

/// A one-line progress bar on stderr, drawn only on a terminal (import's, which its
/// workers update under the lock of the outcome they share).
final class ProgressBar {
    let total: Int
    let enabled: Bool
    let io: IOContext
    private var lastDrawn = -1

    init(total: Int, enabled: Bool, io: IOContext) {
        self.total = total
        self.enabled = enabled && total > 0
        self.io = io
    }

    func update(done: Int, failed: Int) {
        guard enabled else { return }
        let percent = done * 100 / total
        guard percent != lastDrawn || done == total else { return }
        lastDrawn = percent
        let width = 30
        let filled = done * width / total
        io.err("\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)" + (failed > 0 ? " (\(failed) failed)" : ""))
    }

    func finish() {
        if enabled { io.err("\r\u{1B}[K") }
    }
}
