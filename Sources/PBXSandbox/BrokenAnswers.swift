import PBXJSON

/// `/_broken/KIND/...`: a server that answers badly, for the client's error handling
/// tests. Point a profile's url at `http://HOST:PORT/_broken/KIND`.
enum BrokenAnswers {
    static func response(_ path: String) -> ServerResponse {
        let kind = path.split(separator: "/").first.map(String.init) ?? ""
        switch kind {
        case "html":
            return ServerResponse(status: 502, headers: [("Content-Type", "text/html")],
                                  body: Array("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>".utf8))
        case "html200":
            return ServerResponse(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body>Login portal</body></html>".utf8))
        case "truncated":
            return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(#"{"count":2,"items":[{"id":"a","name":"#.utf8))
        case "wrongtype":
            return .json(200, ["count": "many", "items": "none"])
        case "empty":
            return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: [])
        case "huge":
            let item = #"{"id":"x","name":"\#(String(repeating: "y", count: 1000))"},"#
            var body = Array(#"{"count":4000,"items":["#.utf8)
            for _ in 0..<4000 { body += Array(item.utf8) }
            body.removeLast()
            body += Array("]}".utf8)
            return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: body)
        case "notjsonerror":
            return ServerResponse(status: 500, headers: [("Content-Type", "text/plain")], body: Array("java.lang.NullPointerException\n\tat com.pbx.Api".utf8))
        default:
            return .json(404, ["error": "unknown broken kind; use html, html200, truncated, wrongtype, empty, huge, notjsonerror"])
        }
    }
}
