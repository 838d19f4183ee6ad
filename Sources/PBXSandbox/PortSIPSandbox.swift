import Foundation
import PBXCatalog
import PBXJSON

/// PortSIP's REST API served from memory: the vendor document's paths, status codes,
/// error bodies and Bearer auth. Every request is first checked against the
/// operation's schema, as the real server validates it, so a client bug shows up as
/// a 400 VALIDATE_FAILED here rather than in production.
/// Sendable by `lock`, which guards every collection and token (one thread a connection).
final class PortSIPSandbox: @unchecked Sendable {
    let lock = NSLock()
    let options: SandboxOptions
    var tokens: [String: (subject: String, expires: Date)] = [:]
    var refreshTokens: [String: String] = [:]
    var users: [JSONObject] = [] {
        didSet { indexesValid = false }
    }
    /// Lower-cased names and extension numbers in use, for O(1) conflict checks.
    private var nameIndex = Set<String>()
    private var extensionIndex = Set<String>()
    private var indexesValid = false
    var userSecrets: [String: (password: String, extensionPassword: String)] = [:]
    var roles: [JSONObject] = []
    /// Nested and per-user collections, keyed "OWNER/collection".
    var collections: [String: [JSONObject]] = [:]
    var nextSerial: UInt64 = 700_551_909_773_148_160
    let adminSubject = "admin"
    var admin: JSONObject
    /// Operations served, by operationId: tests use it to prove every operation was driven.
    var served: [String: Int] = [:]
    /// Answers that did not fit the vendor document (the first 100); tests assert none.
    var answerViolations: [String] = []
    var syncTokens: [String: JSONObject] = [:]
    var changeLog: [(seq: Int, key: String, type: String, item: JSONObject)] = []
    var changeSeq = 0
    var knownBlobs = Set<String>()
    /// This sandbox's PortSIP root (`http://HOST:PORT/portsip`), set when it starts.
    var ownBaseURL = ""
    var blobRefusedOnce = false

    /// What goes before a recording's file_url: nothing unless the `file-url` hostile mode is on.
    var hostileFileURLBase: String {
        guard let base = options.hostile["file-url"] else { return "" }
        return base == "self" ? ownBaseURL : base
    }

    init(options: SandboxOptions) {
        self.options = options
        admin = JSONObject([
            ("id", "YWRtaW4"), ("name", "admin"), ("display_name", "System Administrator"), ("email", "admin@sandbox.example.com"),
            ("role", "SystemAdmin"), ("enabled", true), ("extension_number", "100"),
        ])
        SeedData.seed(self)
    }

    func nameTaken(_ name: String) -> Bool {
        rebuildIndexes()
        return nameIndex.contains(name.lowercased())
    }

    func extensionTaken(_ number: String) -> Bool {
        rebuildIndexes()
        return extensionIndex.contains(number)
    }

    private func rebuildIndexes() {
        guard !indexesValid else { return }
        nameIndex = Set(users.compactMap { $0["name"]?.stringValue?.lowercased() })
        extensionIndex = Set(users.compactMap { $0["extension_number"]?.stringValue })
        indexesValid = true
    }

    /// Appends a user and keeps the indexes current without a rebuild.
    func appendUser(_ user: JSONObject) {
        rebuildIndexes()
        users.append(user)
        if let name = user["name"]?.stringValue { nameIndex.insert(name.lowercased()) }
        if let number = user["extension_number"]?.stringValue { extensionIndex.insert(number) }
        indexesValid = true
    }

    func newID() -> String {
        nextSerial += 1
        return Data(String(nextSerial).utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    // MARK: dispatch

    func handle(_ request: ServerRequest, path: String) -> ServerResponse {
        lock.lock()
        defer { lock.unlock() }
        guard path.hasPrefix("/api/") || path == "/api" else {
            return .portsipError(404, "NOT_FOUND", "PortSIP's API lives under /api")
        }
        let apiPath = String(path.dropFirst(4))
        // Routed on the target as sent, so an encoded `/` in an ID stays part of the ID.
        let rawPath = Self.rawAPIPath(request.target) ?? apiPath
        var body: JSON?
        if !request.body.isEmpty {
            guard let parsed = try? JSONParser.parse(request.body) else {
                return .portsipError(400, "VALIDATE_FAILED", "the body is not valid JSON")
            }
            body = parsed
        }
        guard let (operation, parameters) = PortSIPSpec.shared.match(method: request.method, path: rawPath) else {
            if PortSIPSpec.shared.match(method: request.method == "GET" ? "POST" : "GET", path: apiPath) != nil {
                return .portsipError(405, "METHOD_NOT_ALLOWED", "\(request.method) is not allowed on \(apiPath)")
            }
            return .portsipError(404, "NOT_FOUND", "no such resource: \(apiPath)")
        }
        var subject = ""
        if operation.requiresAuth {
            guard let header = request.headers["authorization"], header.hasPrefix("Bearer ") else {
                return .empty(401)
            }
            let token = String(header.dropFirst(7))
            if token == SandboxCredentials.portsipToken {
                subject = adminSubject
            } else if let session = tokens[token], session.expires > options.now() {
                subject = session.subject
            } else if options.echoSecrets {
                return .portsipError(401, "UNAUTHORIZED", "the access token \(token) is invalid or has expired")
            } else {
                return .portsipError(401, "UNAUTHORIZED", "the access token is invalid or has expired")
            }
        }
        let problems = PortSIPSpec.shared.violations(method: request.method, path: rawPath, query: request.query, body: body)
        if !problems.isEmpty {
            // As some servers do, quoting the whole body back, secrets and all.
            let echoed = options.echoSecrets ? body.map { " in \($0.compactText)" } ?? "" : ""
            return .json(400, ["errors": .array(problems.map { ["code": "VALIDATE_FAILED", "message": .string($0 + echoed)] })])
        }
        served[operation.operationId, default: 0] += 1
        if options.hugeErrorBodies, operation.operationId == "listUserCDRs" {
            let padding = String(repeating: "x", count: 3 << 20)
            return .json(500, ["errors": [["code": "CDR_STORE_DOWN", "message": "the CDR store is unavailable", "detail": .string(padding)]]])
        }
        let context = Context(request: request, operation: operation, parameters: parameters, body: body?.objectValue ?? JSONObject(), subject: subject)
        let response: ServerResponse
        do {
            response = try route(context)
        } catch let error as FilterError {
            response = .portsipError(400, "VALIDATE_FAILED", error.message)
        } catch let failure as Failure {
            response = failure.response
        } catch {
            response = .portsipError(500, "UNKNOWN", "\(error)")
        }
        return checked(response, operation)
    }

    /// Answers, like requests, must be what the vendor document says: an answer that is
    /// not is a sandbox bug, recorded for the tests and turned into a loud 500 rather
    /// than shown to pbxctl as if a real PBX could send it.
    /// Hostile modes answer outside the document on purpose, so they go unchecked.
    func checked(_ response: ServerResponse, _ operation: SpecOperation) -> ServerResponse {
        guard options.checkAnswers, !options.isHostile else { return response }
        let problems = PortSIPAnswers.shared.violations(operationId: operation.operationId, status: response.status, body: response.body)
        guard !problems.isEmpty else { return response }
        if answerViolations.count < 100 { answerViolations += problems.prefix(100 - answerViolations.count) }
        return .portsipError(500, "SANDBOX_ANSWER_INVALID", problems.prefix(5).joined(separator: "; "))
    }

    /// The path under `/api/` as sent, still encoded.
    static func rawAPIPath(_ target: String) -> String? {
        let path = target.prefix { $0 != "?" }
        let prefix = "/portsip/api/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count - 1))
    }

    struct Context {
        let request: ServerRequest
        let operation: SpecOperation
        let parameters: [String: String]
        let body: JSONObject
        let subject: String
        func param(_ name: String) -> String { parameters[name] ?? "" }
    }

    struct Failure: Error {
        let response: ServerResponse
        static func notFound(_ what: String) -> Failure { Failure(response: .portsipError(404, "NOT_FOUND", "\(what) not found")) }
        static func invalid(_ message: String) -> Failure { Failure(response: .portsipError(400, "VALIDATE_FAILED", message)) }
        static func conflict(_ message: String) -> Failure { Failure(response: .portsipError(409, "CONFLICT", message)) }
    }

    func route(_ c: Context) throws -> ServerResponse {
        switch c.operation.operationId {
        case "login": return try login(c)
        case "refreshToken": return try refresh(c)
        default: break
        }
        if let response = try routeUsers(c) { return response }
        if let response = try routeRoles(c) { return response }
        if let response = try routeSpecial(c) { return response }
        return try routeCollection(c)
    }

    // MARK: authentication

    func issueTokens(subject: String) -> JSON {
        var access = "at-" + newID() + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        if options.newlineTokens { access += "\n[profile injected]\nurl = http://attacker.example" }
        let refresh = "rt-" + newID() + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        tokens[access] = (subject, options.now().addingTimeInterval(Double(options.tokenTTL)))
        refreshTokens[refresh] = subject
        return ["access_token": .string(access), "expires_in": .int(options.tokenTTL), "refresh_token": .string(refresh), "token_type": "Bearer"]
    }

    func login(_ c: Context) throws -> ServerResponse {
        let username = c.body["username"]?.stringValue ?? ""
        let password = c.body["password"]?.stringValue ?? ""
        if username == SandboxCredentials.portsipUsername && password == SandboxCredentials.portsipPassword {
            return .json(200, issueTokens(subject: adminSubject))
        }
        if let user = users.first(where: { $0["name"]?.stringValue == username }), let id = user["id"]?.stringValue,
            userSecrets[id]?.password == password
        {
            return .json(200, issueTokens(subject: id))
        }
        if options.echoSecrets { return .portsipError(401, "UNAUTHORIZED", "invalid password '\(password)' for \(username)") }
        return .portsipError(401, "UNAUTHORIZED", "invalid username or password")
    }

    func refresh(_ c: Context) throws -> ServerResponse {
        let token = c.body["refresh_token"]?.stringValue ?? ""
        guard let subject = refreshTokens.removeValue(forKey: token) else {
            return .portsipError(401, "UNAUTHORIZED", "the refresh token is invalid")
        }
        return .json(200, issueTokens(subject: subject))
    }

    // MARK: helpers

    func userIndex(_ id: String) throws -> Int {
        guard let index = users.firstIndex(where: { $0["id"]?.stringValue == id }) else { throw Failure.notFound("user \(id)") }
        return index
    }

    func currentUser(_ c: Context) throws -> JSONObject {
        if c.subject == adminSubject { return admin }
        return users[try userIndex(c.subject)]
    }

    /// A list answer: `{"count", "items"}` where the vendor documents a count (paged
    /// collections), `{"items"}` where it does not; each item as this operation shows it.
    func listAnswer(_ items: [JSONObject], _ c: Context) throws -> ServerResponse {
        var count = items.count
        var page = items
        let paged = c.operation.queryParameter("top") != nil
        if paged {
            var query = try CollectionQuery(c.request)
            // Hostile: every page is the first one, however far the client skips.
            if options.hostile["same-page"] != nil { query.skip = 0 }
            (count, page) = query.apply(items)
        }
        var shownItems = page.map(recordView(c, at: "items.0"))
        if let id = options.hostile["user-id"], c.operation.operationId == "listUsers" {
            shownItems = shownItems.map { var user = $0; user["id"] = .string(id); return user }
        }
        if !paged, let size = options.hostile["item-bytes"].flatMap(Int.init), !shownItems.isEmpty {
            shownItems[0]["notes"] = .string(String(repeating: "x", count: size))
        }
        var answer = JSONObject()
        if answerSchema(c).map(SchemaValidator.propertyNames)?.contains("count") ?? true { answer["count"] = countValue(count) }
        answer["items"] = .array(shownItems.map(JSON.object))
        return .json(200, .object(answer))
    }

    /// The `count` of a list answer; the `count=VALUE` hostile mode makes it lie.
    func countValue(_ count: Int) -> JSON {
        guard let lie = options.hostile["count"] else { return .int(count) }
        return Int(lie).map(JSON.int) ?? .string(lie)
    }

    /// A stored record as this operation's answer shows it: the fields the vendor
    /// documents for the record at `path` of the answer ("" for the answer itself,
    /// "items.0" for a list's items). The sandbox keeps bookkeeping fields a real server
    /// would not send (creation times, bindings, balances); each view shows only its own.
    /// The wrapper around the record stays the route's own, so the answer check still
    /// catches a record sent without the wrapper the vendor documents.
    func shown(_ record: JSONObject, _ c: Context, at path: String = "") -> JSONObject {
        recordView(c, at: path)(record)
    }

    /// `shown` for many records: the documented field names are looked up once.
    func recordView(_ c: Context, at path: String) -> (JSONObject) -> JSONObject {
        guard let answer = answerSchema(c), let schema = path.isEmpty ? answer : SchemaValidator.schema(of: answer, path: path) else { return { $0 } }
        let names = Set(SchemaValidator.propertyNames(of: schema))
        guard !names.isEmpty else { return { $0 } }
        return { record in JSONObject(record.filter { names.contains($0.key) }.map { ($0.key, $0.value) }) }
    }

    func answerSchema(_ c: Context) -> JSON? {
        PortSIPAnswers.shared.schema(operationId: c.operation.operationId, status: c.operation.successStatus)
    }

    static func now() -> String { RFC3339.format(Date()) }
}
