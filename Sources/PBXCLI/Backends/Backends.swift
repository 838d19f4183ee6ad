import Foundation
import PBXClient
import PBXEngine

/// Helpers every backend's connection and login share: the API root under a profile's
/// URL, and the checks on what servers issue and where secrets travel.
enum Backends {
    /// `url` plus the API's own prefix; a profile URL that already ends in it is accepted.
    static func apiBase(_ url: String, prefix: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix(prefix) { return base }
        return base + prefix
    }

    /// Tokens and IDs a server issues end up in the credentials file and in headers:
    /// a control character in one is a hostile or broken answer (exit 1), never stored.
    static func checkIssued(_ values: [String: String?], backend: String) throws {
        for (name, value) in values.sorted(by: { $0.key < $1.key }) where value?.containsControlCharacter == true {
            throw APIError(kind: .malformed, code: "MALFORMED", message: "the server's \(name) holds a control character (a line break or similar); nothing was stored", backend: backend)
        }
    }

    static func requireURL(_ profile: Profile) throws -> String {
        guard let url = profile.setting("url") else {
            throw APIError.usage("\(profile.label) has no url; run: pbxctl config set \(profile.name ?? "NAME") --url URL")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw APIError.usage("\(profile.label): url '\(Redaction.url(url))' must start with https:// or http://")
        }
        return url
    }

    /// A password or client secret sent over plain http to another machine can be read
    /// by anyone on the path; loopback (the sandbox, a tunnel) is not the network.
    static func warnIfPlainHTTP(_ url: String, carrying what: String, profile: Profile, app: App) {
        guard url.lowercased().hasPrefix("http://"), profile.source != .sandbox, !isLoopback(url) else { return }
        app.io.err("warning: \(profile.label) sends the \(what) over plain http to \(CurlTransport.hostPart(of: url)); anyone on the path can read it: use https://\n")
    }

    static func isLoopback(_ url: String) -> Bool {
        var host = CurlTransport.hostPart(of: url).lowercased()
        if host.hasPrefix("[") { return host.hasPrefix("[::1]") }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        if host == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
