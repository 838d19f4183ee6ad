import Foundation

/// Scheme, host and port of a URL: credentials are scoped to the profile's origin.
public struct Origin: Equatable, Sendable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int

    /// Nil unless the URL is absolute http or https with a host: pbxctl fetches nothing
    /// else (no `file://`, no other protocol libcurl knows).
    public init?(_ url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        port = components.port ?? (scheme == "https" ? 443 : 80)
    }

    public var description: String { "\(scheme)://\(host):\(port)" }
}

extension APIClient {
    /// A GET of an absolute URL the server handed back (a recording's `file_url`).
    /// It carries the profile's credentials and headers only when the URL has the
    /// profile's own scheme, host and port; to any other origin (another host, another
    /// port, plain http under an https profile) it goes without any, so a hostile or
    /// mistaken server cannot collect them. A URL that is not http(s) is refused.
    /// Redirects are never followed, whatever the origin.
    public func request(forServerURL url: String, accept: String) throws -> HTTPRequest {
        guard let target = Origin(url) else {
            throw APIError(kind: .malformed, code: "UNTRUSTED_URL",
                           message: "the server handed back a URL pbxctl does not fetch (only http and https): \(APIError.excerpt(Array(url.utf8)))",
                           backend: connection.backend)
        }
        if let own = Origin(connection.baseURL), own == target {
            var request = makeRequest(method: "GET", path: "/", accept: accept)
            request.url = url
            return request
        }
        var request = HTTPRequest(method: "GET", url: url, headers: [("Accept", accept)])
        request.sendsCredentials = false
        return request
    }
}
