import Foundation
import PBXClient
import PBXEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The `config` and `credentials` files (docs/cli.md, "Backends and profiles"). One store is shared by every worker thread of
/// a run (a token refresh writes from whichever worker met the 401), so its state sits
/// behind a lock; other processes are kept out by an advisory lock on a sibling file.
/// Sendable by `lock`.
public final class ConfigStore: @unchecked Sendable {
    public let configPath: String
    /// Beside `config`; a bare file name (`PBXCTL_CONFIG=name.ini`) keeps it in the current folder.
    public var credentialsPath: String {
        let parent = (configPath as NSString).deletingLastPathComponent
        return parent.isEmpty ? "credentials" : parent + "/credentials"
    }
    var lockPath: String { configPath + ".lock" }
    private let lock = NSRecursiveLock()
    private var configDocument: INIDocument
    private var credentialsDocument: INIDocument
    public var config: INIDocument { locked { configDocument } }
    public var credentials: INIDocument { locked { credentialsDocument } }
    private let warn: (String) -> Void

    /// The backends whose types a profile may name, and whose secret keys belong in
    /// `credentials`, never in `config`.
    public let backends: BackendRegistry

    public static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment["PBXCTL_CONFIG"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/pbxctl/config" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/pbxctl/config"
    }

    public init(path: String, backends: BackendRegistry = .standard, warn: @escaping (String) -> Void) throws {
        configPath = path
        self.backends = backends
        self.warn = warn
        configDocument = INIDocument(text: try Self.read(path) ?? "")
        credentialsDocument = INIDocument()
        if let text = try Self.read(credentialsPath) {
            credentialsDocument = INIDocument(text: text)
            checkCredentialsMode()
        }
        for name in sectionProfileNames where !Self.isValidProfileName(name) {
            warn("warning: ignored profile \(name.debugDescription) in \(path): profile names start with a letter or digit and hold only letters, digits, '.', '_' and '-'\n")
        }
    }

    /// Profile names reach shell completion and command lines: only a set that no
    /// shell treats specially is accepted, in `config set` and in the file.
    /// The first character is a letter or digit, so a name never reads as a flag (`-x`).
    public static func isValidProfileName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, CharacterSet.alphanumerics.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// A read-modify-write of both files: under the process's lock and an exclusive
    /// `flock` on `config.lock`, the files are read again, `body` changes them, and each
    /// one that changed is written back. A change another process made meanwhile is
    /// kept, because `body` edits what is on disk now, not what this process read at
    /// start. If `body` throws, nothing is written.
    public func update<T>(_ body: () throws -> T) throws -> T {
        try locked {
            let fd = try acquireFileLock()
            defer {
                flock(fd, LOCK_UN)
                close(fd)
            }
            configDocument = INIDocument(text: try Self.read(configPath) ?? "")
            credentialsDocument = INIDocument(text: try Self.read(credentialsPath) ?? "")
            let (configBefore, credentialsBefore) = (configDocument, credentialsDocument)
            let result: T
            do {
                result = try body()
            } catch {
                (configDocument, credentialsDocument) = (configBefore, credentialsBefore)
                throw error
            }
            if configDocument != configBefore { try AtomicFile.replace(configPath, with: configDocument.text, mode: 0o644) }
            if credentialsDocument != credentialsBefore { try AtomicFile.replace(credentialsPath, with: credentialsDocument.text, mode: 0o600) }
            return result
        }
    }

    private func acquireFileLock() throws -> Int32 {
        let parent = (configPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw APIError.local("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw APIError.local("cannot lock \(lockPath): \(reason)")
        }
        return fd
    }

    static func read(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw APIError.local("cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// As ssh does for its files: whoever can change `config` can point a profile at
    /// their own host and collect its token, so a config file, credentials file or
    /// folder that another user owns or that group or others may write is refused
    /// before any credential is used.
    public func checkTrusted() throws {
        let parent = (configPath as NSString).deletingLastPathComponent
        for path in [parent.isEmpty ? "." : parent, configPath, credentialsPath] {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if info.st_uid != geteuid() && info.st_uid != 0 {
                throw APIError.usage("\(path) belongs to another user (uid \(info.st_uid)); pbxctl does not use credentials from files another user controls")
            }
            if info.st_mode & 0o022 != 0 {
                throw APIError.usage("\(path) is writable by group or others, so anyone of them could send your credentials elsewhere; run: chmod go-w \(path)")
            }
        }
    }

    private func checkCredentialsMode() {
        var info = stat()
        guard stat(credentialsPath, &info) == 0 else { return }
        if info.st_mode & 0o077 != 0 {
            warn("warning: \(credentialsPath) is readable by other users; run: chmod 600 \(credentialsPath)\n")
        }
    }

    static func sectionName(_ profile: String) -> String { "profile \(profile)" }

    private var sectionProfileNames: [String] {
        config.sections.compactMap { $0.hasPrefix("profile ") ? String($0.dropFirst(8)) : nil }
    }

    public var profileNames: [String] { sectionProfileNames.filter(Self.isValidProfileName) }

    public func profile(named name: String) throws -> Profile? {
        guard Self.isValidProfileName(name) else { return nil }
        let section = Self.sectionName(name)
        let (config, credentials) = locked { (configDocument, credentialsDocument) }
        guard config.sections.contains(section) else { return nil }
        var settings: [String: String] = [:]
        for entry in config.entries(section) { settings[entry.key] = entry.value }
        var secrets: [String: String] = [:]
        for entry in credentials.entries(section) { secrets[entry.key] = entry.value }
        // A secret written into config by hand still works, but never leaves this struct.
        let secretKeys = backends.secretKeys
        let misplaced = settings.keys.filter { secretKeys.contains($0) || Redaction.isSecretKey($0) }.sorted()
        for key in misplaced {
            let value = settings.removeValue(forKey: key)
            if secrets[key] == nil { secrets[key] = value }
        }
        guard let typeName = settings["type"], let backend = backends.backend(named: typeName) else {
            throw APIError.usage("profile '\(name)' in \(configPath) has no valid type (\(backends.typeList()))")
        }
        return Profile(name: name, type: backend.type, settings: settings, secrets: secrets, source: .file, misplacedSecrets: misplaced)
    }

    public func profiles() throws -> [Profile] { try profileNames.compactMap { try profile(named: $0) } }

    public func setSetting(_ profile: String, _ key: String, _ value: String?) throws {
        let section = Self.sectionName(profile)
        if let value {
            try Self.checkStorable(profile, key, value)
            locked { configDocument.set(section, key, value) }
        } else {
            locked { configDocument.remove(section, key) }
        }
    }

    public func setSecret(_ profile: String, _ key: String, _ value: String?) throws {
        let section = Self.sectionName(profile)
        if let value {
            try Self.checkStorable(profile, key, value)
            locked { credentialsDocument.set(section, key, value) }
        } else {
            locked { credentialsDocument.remove(section, key) }
        }
    }

    /// A line break in a value would start a new key or section in the file: whoever
    /// supplied it (usually a server) could rewrite other profiles.
    static func checkStorable(_ profile: String, _ key: String, _ value: String) throws {
        if value.containsControlCharacter {
            throw APIError.local("refusing to store \(key) of profile '\(profile)': the value holds a control character (a line break or similar); nothing was written")
        }
    }

    public func removeProfile(_ profile: String) {
        locked {
            configDocument.removeSection(Self.sectionName(profile))
            credentialsDocument.removeSection(Self.sectionName(profile))
        }
    }
}
