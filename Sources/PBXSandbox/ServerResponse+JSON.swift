import PBXJSON

extension ServerResponse {
    static func json(_ status: Int, _ value: JSON) -> ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(value.compactText.utf8))
    }

    static func empty(_ status: Int) -> ServerResponse { ServerResponse(status: status) }

    /// PortSIP's error body.
    static func portsipError(_ status: Int, _ code: String, _ message: String) -> ServerResponse {
        json(status, ["errors": [["code": .string(code), "message": .string(message)]]])
    }
}
