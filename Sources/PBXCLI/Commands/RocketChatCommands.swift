import Foundation
import PBXClient
import PBXCrypto
import PBXEngine
import PBXJSON

/// `registration get` on a Rocket.Chat profile.
enum RocketChatCommands {
    static let tableFields = ["host", "callServerConfig.websocketPort", "callServerConfig.websocketPath", "extensionDetails.extension",
                              "extensionDetails.password", "extensionDetails.authtype", "extensionDetails.state"]

    static var get: Command {
        Command("get", "Show a Rocket.Chat user's VoIP registration (Rocket.Chat profile)",
                details: "Show the VoIP registration Rocket.Chat holds for a user: call server, websocket, extension and SIP credentials. Rocket.Chat answers only for the logged-in user, so USER_ID defaults to the profile's own user_id. Signed answers ({\"result\": JWS}) are decoded, and verified when the profile has a jwt_secret: then an unsigned answer, a bad signature, or an expired or not yet valid JWS (exp, nbf, iat, with 60 s leeway) is refused (exit 1). The SIP password is shown only with --show-secrets.",
                arguments: [Argument("USER_ID", "Rocket.Chat user ID (default: the profile's user_id)", optional: true)],
                flags: [CommonFlags.showSecrets.with(help: "show the SIP password instead of ***").flag],
                examples: ["pbxctl registration get -p chat", "pbxctl registration get -p chat -o json --show-secrets"],
                backend: .rocketchat, run: { invocation in try run(invocation) })
    }

    /// What a registration answer holds that must not be printed as it is.
    static let secretFields = ["extensionDetails.password"]

    static func run(_ invocation: Invocation) throws {
        let app = invocation.app
        let profile = try invocation.profile()
        let client = try invocation.client()
        let own = profile.setting("user_id") ?? ""
        let userId = invocation.line.argument("USER_ID") ?? own
        guard !userId.isEmpty else { throw APIError.usage("no USER_ID given and \(profile.label) has no user_id") }
        guard let registration = try fetch(userId, profile: profile, client: client, io: invocation.io) else { return }
        var options = app.output
        if options.fields == nil, options.format != .json, options.format != .jsonl { options.fields = tableFields }
        Renderer(options: options, sink: invocation.io.stdout, idKey: "extensionDetails.extension",
                 masking: invocation.line[CommonFlags.showSecrets] ? [] : secretFields).single(registration)
    }

    /// A user's registration, decoded and verified; nil on a dry run.
    static func fetch(_ userId: String, profile: Profile, client: APIClient, io: IOContext) throws -> JSON? {
        let own = profile.setting("user_id") ?? ""
        let answer: APIResponse
        do {
            // The server reads `id` from the query string; a GET never carries a body.
            answer = try client.call("GET", "/connector.extension.getRegistrationInfoByUserId", query: [("id", userId)])
        } catch var error as APIError where error.status == 403 {
            error.message = userId != own
                ? "Rocket.Chat answers only for the logged-in user (\(own)), not for \(userId): \(error.message)"
                : "the user lacks the permission view-agent-extension-association: \(error.message)"
            throw error
        } catch var error as APIError where error.status == 404 {
            error.message = "user \(userId) has no VoIP extension: \(error.message)"
            throw error
        }
        if answer.dryRun { return nil }
        guard let json = answer.json else {
            throw APIError(kind: .malformed, status: answer.status, code: "MALFORMED", message: "empty answer", backend: "rocketchat")
        }
        return try decode(json, secret: profile.secret("jwt_secret"), io: io)
    }

    /// The registration from either answer shape; a JWS's `context` claim holds it.
    /// With a jwt_secret the answer must be signed with it and current: an unsigned
    /// answer could come from anyone on the path, an expired one is a replay.
    static func decode(_ json: JSON, secret: String?, io: IOContext, now: Int = Int(Date().timeIntervalSince1970)) throws -> JSON {
        let result = json["result"]
        guard let compact = result?.stringValue else {
            if secret != nil {
                throw APIError(kind: .malformed, code: "UNSIGNED",
                               message: "the profile has a jwt_secret but the answer is not signed (no JWS in result); refusing to trust it", backend: "rocketchat")
            }
            var plain = json.objectValue ?? JSONObject()
            plain["success"] = nil
            return .object(plain)
        }
        let jws: JWS
        do { jws = try JWS(compact: compact) } catch let error as JWSError {
            throw APIError(kind: .malformed, code: "BAD_JWS", message: "the signed answer could not be decoded: \(error.description)", backend: "rocketchat")
        }
        if let secret {
            do {
                try jws.verify(secret: Array(secret.utf8))
                try jws.checkTimes(now: now)
            } catch let error as JWSError {
                throw APIError(kind: .malformed, code: "BAD_SIGNATURE", message: "\(error.description); refusing to trust this answer", backend: "rocketchat")
            }
        } else {
            io.err("note: the answer is signed but the profile has no jwt_secret, so its signature was not verified\n")
        }
        guard let context = jws.payload["context"], context.objectValue != nil else {
            throw APIError(kind: .malformed, code: "BAD_JWS", message: "the signed answer has no context claim", backend: "rocketchat")
        }
        return context
    }

    /// `registration check`/`watch` on a Rocket.Chat profile. Rocket.Chat answers only
    /// for the profile's own user, so USER is that user's ID or its extension number,
    /// and defaults to it.
    static func probe(_ user: String?, invocation: Invocation) throws -> RegistrationProbe {
        let io = invocation.io
        let profile = try invocation.profile()
        let client = try invocation.client()
        let own = profile.setting("user_id") ?? ""
        guard !own.isEmpty || user != nil else { throw APIError.usage("no USER given and \(profile.label) has no user_id") }
        let wanted = user ?? own
        // An extension number names the profile's own user, checked on each answer.
        let byExtension = wanted != own && !wanted.isEmpty && wanted.allSatisfy { $0.isASCII && $0.isNumber }
        var quiet = false
        return RegistrationProbe(label: wanted) {
            // The unsigned-answer note is worth saying once, not on every poll.
            let sink: IOContext = quiet ? IOContext(stdout: StringSink(), stderr: StringSink()) : io
            quiet = true
            guard let registration = try fetch(byExtension ? own : wanted, profile: profile, client: client, io: sink) else { return nil }
            let details = registration["extensionDetails"]
            let number = details?["extension"]?.cellText ?? ""
            if byExtension, number != wanted {
                throw APIError.usage("Rocket.Chat answers only for the logged-in user, whose extension is \(RegistrationProbe.printable(number, limit: 32)), not \(wanted)")
            }
            let raw = details?["state"]?.stringValue
            let state = RegistrationProbe.state(ofDevice: raw)
            return RegistrationReading(state: state, count: state == .registered ? 1 : 0, contacts: [], deviceState: RegistrationProbe.printable(raw ?? "none", limit: 32),
                                       answer: registration, secretFields: secretFields)
        }
    }
}
