import Foundation
import PBXJSON

/// CommPeak's `GET /api/users/{id}`: HTTP Basic, an array of users, every scalar a string.
final class CommPeakSandbox: Sendable {
    func handle(_ request: ServerRequest, path: String) -> ServerResponse {
        let expected = "Basic " + Data("\(SandboxCredentials.commpeakUsername):\(SandboxCredentials.commpeakPassword)".utf8).base64EncodedString()
        guard request.headers["authorization"] == expected else {
            var response = ServerResponse.json(401, ["error": "Unauthorized"])
            response.headers.append(("WWW-Authenticate", "Basic realm=\"CommPeak API\""))
            return response
        }
        let parts = path.split(separator: "/")
        guard request.method == "GET", parts.count == 3, parts[0] == "api", parts[1] == "users" else {
            return .json(404, ["error": "Not found"])
        }
        guard let number = Int(parts[2]), (1...50).contains(number) else { return .json(404, ["error": "User not found"]) }
        let user: JSON = [
            "id": .string(String(number)), "username": .string("agent\(number)"), "email": .string("agent\(number)@acme.example.com"),
            "registration_password": .string("Reg-\(number)-s3cret"), "is_active": "1", "is_clockedin": number % 2 == 0 ? "1" : "0",
            "sip_uri": .string("sip:agent\(number)@acme.td.commpeak.com"), "auto_dial": "0", "is_deleted": "0", "use_extended_ip_acl": "0",
            "user_route_caller_id": "", "timezone_id": "Europe/London", "use_webrtc": "1", "first_name": .string("Agent"),
            "last_name": .string(String(number)), "virtual_extension": .string(String(2000 + number)), "default_language": "en",
            "max_session_time": "0", "max_concurrent_sessions": "1", "twofa_type": "none", "member_all_desks": "0",
            "desks": [["id": "1", "name": "Inbound"]], "roles": ["agent": "1"], "groups": [["id": "3", "name": "Sales"]],
        ]
        return .json(200, [user])
    }
}
