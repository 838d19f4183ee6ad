import Foundation
import PBXClient
import PBXEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Files replaced whole: config, credentials, the import's secrets file.
public enum AtomicFile {
    /// Writes a sibling temp file with the final mode, then renames it over the
    /// target, so a reader never sees half a file and a secret is never world-readable.
    public static func replace(_ path: String, with text: String, mode: mode_t) throws {
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw APIError.local("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                close(fd)
                unlink(temporary)
                throw APIError.local("cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        fsync(fd)
        close(fd)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw APIError.local("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }
}
