import Foundation

/// Renders a request as a curl command a user can paste into a shell. The
/// credentials are replaced by shell variables the user sets, never printed.
public enum CurlCommand {
    /// A credential pbxctl itself puts on requests, and the shell variable that stands
    /// for it in a printed line.
    public struct Credential: Sendable {
        public var header: String
        public var value: String
        public var variable: String

        public init(header: String, value: String, variable: String) {
            self.header = header
            self.value = value
            self.variable = variable
        }
    }

    public struct Rendered: Sendable {
        public var line: String
        /// What the line shows as `***`, which must be filled in before running it.
        public var masked: [String]

        /// A shell comment naming what was masked; nil when the line runs as printed.
        public var maskedNote: String? {
            masked.isEmpty ? nil : "# masked, substitute before running: " + masked.joined(separator: ", ")
        }
    }

    /// Only a header carrying exactly one of `credentials` becomes its variable: any other
    /// secret-looking header (a user's `-H Cookie:`, or an `-H Authorization:` that
    /// overrides the profile's token) is shown as `***`, so the line never claims to send
    /// the profile's token where the real request sends something else.
    public static func render(_ request: HTTPRequest, credentials: [Credential] = []) -> Rendered {
        // Quiet but not silent about errors, as a script runs it.
        var parts = ["curl", "-sS"]
        var masked: [String] = []
        if request.method != "GET" { parts.append("-X \(request.method)") }
        let shownURL = Redaction.url(request.url)
        if shownURL != request.url { masked.append("URL credentials") }
        parts.append(quote(shownURL))
        for header in request.headers {
            guard Redaction.isSecretHeader(header.name) else {
                parts.append("-H " + quote("\(header.name): \(header.value)"))
                continue
            }
            let name = header.name.lowercased()
            let scheme = name.hasSuffix("authorization") ? (header.value.split(separator: " ").dropLast().first.map { "\($0) " } ?? "") : ""
            if let credential = credentials.first(where: { $0.header.lowercased() == name && $0.value == header.value }) {
                parts.append("-H \"\(header.name): \(scheme)$\(credential.variable)\"")
            } else {
                parts.append("-H " + quote("\(header.name): \(scheme)\(Redaction.mask)"))
                masked.append("header \(header.name)")
            }
        }
        if let body = request.body, !body.isEmpty {
            let shown = Redaction.maskedBody(body, contentType: request.header("Content-Type"))
            parts.append("--data-raw " + quote(shown.text))
            masked += shown.masked.map { "field \($0)" }
        }
        return Rendered(line: parts.joined(separator: " "), masked: masked)
    }

    /// POSIX single-quoting.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=@,+".contains($0) }), text.unicodeScalars.allSatisfy(\.isASCII) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
