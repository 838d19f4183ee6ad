import Foundation
import PBXJSON

/// Renders a request as a curl command a user can paste into a shell. The
/// credentials are replaced by shell variables the user sets, never printed.
public enum CurlCommand {
    public static func render(_ request: HTTPRequest, secretVariables: [String: String] = [:]) -> String {
        // Quiet but not silent about errors, as a script runs it; masked values are named
        // on a comment line before it, so what must be filled in is said, not guessed.
        var parts = ["curl", "-sS"]
        var comment = ""
        let masked = maskedFields(request)
        if !masked.isEmpty {
            comment = "# masked as \(Redaction.mask): \(masked.joined(separator: ", ")); put the real value\(masked.count == 1 ? "" : "s") in before running\n"
        }
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
        return comment + parts.joined(separator: " ")
    }

    /// The body fields and query parameters a printed request shows as `***`.
    static func maskedFields(_ request: HTTPRequest) -> [String] {
        var names: [String] = []
        func walk(_ value: JSON) {
            switch value {
            case .object(let object):
                for (key, child) in object {
                    if Redaction.isSecretKey(key), !child.isNull { names.append(key) } else { walk(child) }
                }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        if let body = request.body, !body.isEmpty, let parsed = try? JSONParser.parse(body) { walk(parsed) }
        if let question = request.url.firstIndex(of: "?") {
            for pair in request.url[request.url.index(after: question)...].split(separator: "&") {
                let key = percentDecode(String(pair.split(separator: "=", maxSplits: 1).first ?? ""))
                if Redaction.isSecretKey(key) { names.append(key) }
            }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// POSIX single-quoting.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=@,+".contains($0) }), text.unicodeScalars.allSatisfy(\.isASCII) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
