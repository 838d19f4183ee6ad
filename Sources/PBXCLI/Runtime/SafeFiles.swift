import Foundation
import PBXClient
import PBXEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Files pbxctl creates next to where a user asked it to write.
enum SafeFiles {
    /// Creates a new, empty temporary file beside `target`, named unpredictably and
    /// opened with O_EXCL|O_NOFOLLOW: a file or symlink planted at the name makes it
    /// fail instead of writing through it.
    static func createTemporary(beside target: String) throws -> (path: String, fd: Int32) {
        let directory = (target as NSString).deletingLastPathComponent
        let base = (target as NSString).lastPathComponent
        for _ in 0..<8 {
            let suffix = String(format: "%016llx", UInt64.random(in: 0...UInt64.max))
            let path = (directory.isEmpty ? "." : directory) + "/.\(base).part-\(suffix)"
            let fd = openExclusive(path)
            if fd >= 0 { return (path, fd) }
            if errno != EEXIST { throw APIError.local("cannot write \(path): \(String(cString: strerror(errno)))") }
        }
        throw APIError.local("cannot create a temporary file beside \(target)")
    }

    /// A new file, never an existing one or a symlink's target.
    static func openExclusive(_ path: String) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    }

    /// A file name a server chose, made safe to create in the current folder: its last
    /// path component only, without control or bidi characters, not hidden (no leading
    /// dot), at most 200 bytes; `fallback` when nothing is left.
    static func safeName(_ name: String, fallback: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(String.UnicodeScalarView(last.unicodeScalars.filter { !TerminalText.isUnsafe($0) }))
        while cleaned.hasPrefix(".") || cleaned.hasPrefix(" ") || cleaned.hasPrefix("-") { cleaned.removeFirst() }
        cleaned = cleaned.trimmingCharacters(in: .whitespaces)
        while cleaned.utf8.count > 200 { cleaned.removeFirst() }
        return cleaned.isEmpty ? fallback : cleaned
    }
}

