/// The one place a request path is built from a template and values. Each value
/// becomes exactly one percent-encoded segment whatever it holds (`/`, `}`, `?`, `#`,
/// `%`, `..`), so a value can never reach another resource than the template names.
public enum PathTemplate {
    /// One path segment. `.` and `..` are encoded too: left as they are, libcurl and
    /// proxies remove them as dot-segments and the request climbs the path.
    public static func segment(_ value: String) -> String {
        if value == "." || value == ".." { return String(repeating: "%2E", count: value.count) }
        return percentEncode(value)
    }

    /// Fills the template's `{placeholders}` in order with encoded values; placeholders
    /// without a value stay as they are (validation reports them).
    public static func fill(_ template: String, _ values: [String]) -> String {
        var result = ""
        var remaining = values[...]
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            if let value = remaining.popFirst() {
                result += segment(value)
            } else {
                result += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
