import Foundation

/// Renders a request as a curl command a user can paste into a shell. The
/// credentials are replaced by shell variables the user sets, never printed.
public enum CurlCommand {
    public static func render(_ request: HTTPRequest, secretVariables: [String: String] = [:]) -> String {
        var parts = ["curl"]
        if request.method != "GET" { parts.append("-X \(request.method)") }
        parts.append(quote(Redaction.url(request.url)))
        for header in request.headers {
            if Redaction.isSecretHeader(header.name) {
                let variable = secretVariables[header.name.lowercased()] ?? "PBXCTL_TOKEN"
                let value = header.value
                let scheme = header.name.lowercased() == "authorization" ? (value.split(separator: " ").first.map { "\($0) " } ?? "") : ""
                parts.append("-H \"\(header.name): \(scheme)$\(variable)\"")
            } else {
                parts.append("-H " + quote("\(header.name): \(header.value)"))
            }
        }
        if let body = request.body, !body.isEmpty {
            parts.append("--data-raw " + quote(Redaction.body(body, contentType: request.header("Content-Type"))))
        }
        return parts.joined(separator: " ")
    }

    /// POSIX single-quoting.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=@,+".contains($0) }), text.unicodeScalars.allSatisfy(\.isASCII) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
