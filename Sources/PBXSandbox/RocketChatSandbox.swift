import Foundation
import PBXCrypto
import PBXJSON

/// Rocket.Chat's login and VoIP registration endpoint, with the real server's rules:
/// `id` from the query string only, the X-Auth-Token/X-User-Id pair, 403 for anyone
/// but the caller, 404 "Extension not found", and JWS-signed answers when a JWT
/// secret is set (`signed`).
/// Sendable by `lock`, which guards the device states.
final class RocketChatSandbox: @unchecked Sendable {
    let lock = NSLock()
    let signed: Bool
    let fault: RocketChatAnswerFault?
    var tokens: [String: String] = [SandboxCredentials.rocketchatAuthToken: SandboxCredentials.rocketchatUserId]
    /// user id → (username, password, extension or nil)
    let accounts: [String: (username: String, password: String, extension: String?)] = [
        SandboxCredentials.rocketchatUserId: (SandboxCredentials.rocketchatUsername, SandboxCredentials.rocketchatPassword, "1001"),
        "noExtensionUser01": ("noext", "sandbox", nil),
    ]

    let newlineIDs: Bool
    /// The Asterisk device state of every extension (the sandbox's
    /// `POST /_sandbox/rocketchat/state?state=Unavailable` changes it).
    var deviceState = "Not in use"

    func setDeviceState(_ state: String) {
        lock.lock()
        deviceState = state
        lock.unlock()
    }

    init(signed: Bool, fault: RocketChatAnswerFault?, newlineIDs: Bool = false) {
        self.signed = signed
        self.fault = fault
        self.newlineIDs = newlineIDs
    }

    func handle(_ request: ServerRequest, path: String) -> ServerResponse {
        lock.lock()
        defer { lock.unlock() }
        switch (request.method, path) {
        case ("POST", "/api/v1/login"):
            let body = (try? JSONParser.parse(request.body)) ?? .null
            let user = body["user"]?.stringValue ?? body["username"]?.stringValue ?? ""
            let password = body["password"]?.stringValue ?? ""
            guard let (id, _) = accounts.first(where: { $0.value.username == user && $0.value.password == password }) else {
                return .json(401, ["status": "error", "error": "Unauthorized", "message": "Unauthorized"])
            }
            let token = "rc-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            tokens[token] = id
            let shownID = newlineIDs ? id + "\n[profile injected]\ntype = portsip" : id
            return .json(200, ["status": "success", "data": ["userId": .string(shownID), "authToken": .string(token)]])
        case ("GET", "/api/v1/connector.extension.getRegistrationInfoByUserId"):
            guard let token = request.headers["x-auth-token"], let userId = request.headers["x-user-id"], tokens[token] == userId else {
                return .json(401, ["status": "error", "message": "You must be logged in to do this."])
            }
            guard let id = request.queryValue("id"), !id.isEmpty else {
                return .json(400, ["success": false, "error": "Match error: Missing key 'id'"])
            }
            guard id == userId else { return .json(403, ["success": false, "error": "unauthorized"]) }
            guard let number = accounts[id]?.extension else { return .json(404, ["success": false, "error": "Extension not found"]) }
            let registration: JSON = [
                "host": "omni-asterisk.sandbox.example.com",
                "callServerConfig": ["websocketPort": "443", "websocketPath": "wss://omni-asterisk.sandbox.example.com/ws"],
                "extensionDetails": ["extension": .string(number), "password": "my$up3erP@ssw0rd", "authtype": "password", "state": .string(deviceState)],
            ]
            let now = Int(Date().timeIntervalSince1970)
            switch fault {
            case .expired?: return signedAnswer(registration, issued: now - 365 * 86_400)
            case .early?: return signedAnswer(registration, issued: now + 3600)
            case .notJWS?: return .json(200, ["result": "not-a-jws", "success": true])
            case .resultObject?: return .json(200, ["result": registration, "success": true])
            case nil: break
            }
            if signed { return signedAnswer(registration, issued: now) }
            var plain = registration.objectValue!
            plain["success"] = true
            return .json(200, .object(plain))
        default:
            return .json(404, ["success": false, "error": "Method '\(path)' not found"])
        }
    }

    /// The claims Rocket.Chat signs: valid from `issued` for an hour, for the audience RocketChat.
    func signedAnswer(_ registration: JSON, issued: Int) -> ServerResponse {
        let payload: JSON = ["iat": .int(issued), "nbf": .int(issued), "exp": .int(issued + 3600), "aud": "RocketChat", "context": registration]
        return .json(200, ["result": .string(JWS.signHS256(payload: payload, secret: Array(SandboxCredentials.rocketchatJWTSecret.utf8))), "success": true])
    }
}
