import Foundation
import PBXCatalog
import PBXJSON

/// PortSIP's REST API served from memory: the vendor document's paths, status codes,
/// error bodies and Bearer auth. Every request is first checked against the
/// operation's schema, as the real server validates it, so a client bug shows up as
/// a 400 VALIDATE_FAILED here rather than in production.
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
            } else if let session = tokens[token], session.expires > Date() {
                subject = session.subject
            } else {
                return .portsipError(401, "UNAUTHORIZED", "the access token is invalid or has expired")
            }
        }
        let problems = PortSIPSpec.shared.violations(method: request.method, path: rawPath, query: request.query, body: body)
        if !problems.isEmpty {
            return .json(400, ["errors": .array(problems.map { ["code": "VALIDATE_FAILED", "message": .string($0)] })])
        }
        served[operation.operationId, default: 0] += 1
        let context = Context(request: request, operation: operation, parameters: parameters, body: body?.objectValue ?? JSONObject(), subject: subject)
        do {
            return try route(context)
        } catch let error as FilterError {
            return .portsipError(400, "VALIDATE_FAILED", error.message)
        } catch let failure as Failure {
            return failure.response
        } catch {
            return .portsipError(500, "UNKNOWN", "\(error)")
        }
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
        let access = "at-" + newID() + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let refresh = "rt-" + newID() + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        tokens[access] = (subject, Date().addingTimeInterval(Double(options.tokenTTL)))
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

    func listAnswer(_ items: [JSONObject], _ c: Context) throws -> ServerResponse {
        let supportsQuery = c.operation.queryParameter("top") != nil
        if supportsQuery {
            let query = try CollectionQuery(c.request)
            var (count, page) = query.apply(items)
            if let id = options.hostile["user-id"], c.operation.operationId == "listUsers" {
                page = page.map { var user = $0; user["id"] = .string(id); return user }
            }
            return .json(200, ["count": countValue(count), "items": .array(page.map(JSON.object))])
        }
        var items = items
        if let size = options.hostile["item-bytes"].flatMap(Int.init), !items.isEmpty {
            items[0]["notes"] = .string(String(repeating: "x", count: size))
        }
        return .json(200, ["count": countValue(items.count), "items": .array(items.map(JSON.object))])
    }

    /// The `count` of a list answer; the `count=VALUE` hostile mode makes it lie.
    func countValue(_ count: Int) -> JSON {
        guard let lie = options.hostile["count"] else { return .int(count) }
        return Int(lie).map(JSON.int) ?? .string(lie)
    }

    static func now() -> String { RFC3339.format(Date()) }
}
