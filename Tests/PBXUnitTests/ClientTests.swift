import Foundation
import XCTest
@testable import PBXCLI
@testable import PBXEngine
@testable import PBXClient
import PBXJSON

final class ClientTests: XCTestCase {
    func testAPageRepeatingThePreviousOneEndsTheWalk() {
        var walker = PageWalker(pageSize: 2, limit: nil, all: true)
        _ = walker.next()
        XCTAssertEqual(walker.accept(count: 2, total: 1_000_000, keys: ["1", "2"]), 2)
        _ = walker.next()
        XCTAssertEqual(walker.accept(count: 2, total: 1_000_000, keys: ["2", "3"]), 2, "an overlap is not a repeat")
        _ = walker.next()
        XCTAssertEqual(walker.accept(count: 2, total: 1_000_000, keys: ["2", "3"]), 0)
        XCTAssertNil(walker.next())
        XCTAssertTrue(walker.repeatedPage)
        XCTAssertEqual(walker.fetched, 4)
        XCTAssertNotNil(walker.contradiction)
        XCTAssertEqual(PageWalker.keys(of: [["id": "a"], ["name": "x"]], idKey: "id"), [#""a""#, #"{"name":"x"}"#])
    }

    func testPageKeysAreTheIdsCompactForm() {
        let ids: [JSON] = [.int(7), .number("1.5e3"), "plain", "quote\" and \\ and \n", .null, .bool(true), ["nested": .int(1)]]
        XCTAssertEqual(PageWalker.keys(of: ids.map { JSON.object(JSONObject([("id", $0)])) }, idKey: "id"), ids.map(\.compactText))
        XCTAssertEqual(PageWalker.keys(of: [.int(7)], idKey: "id"), ["7"])
    }

    func testPageWalkerFollowsCountAndLimit() {
        var walker = PageWalker(pageSize: 100, limit: 130, all: false)
        XCTAssertEqual(walker.next()?.skip, 0)
        XCTAssertEqual(walker.accept(count: 100, total: 250), 100)
        let second = walker.next()
        XCTAssertEqual(second?.skip, 100)
        XCTAssertEqual(second?.top, 30)
        XCTAssertEqual(walker.accept(count: 30, total: 250), 30)
        XCTAssertNil(walker.next())

        var all = PageWalker(pageSize: 100, limit: nil, all: true)
        var requests: [Int] = []
        while let page = all.next() {
            requests.append(page.skip)
            _ = all.accept(count: min(page.top, 250 - page.skip), total: 250)
        }
        XCTAssertEqual(requests, [0, 100, 200])

        var first = PageWalker(pageSize: 100, limit: nil, all: false)
        _ = first.next()
        _ = first.accept(count: 100, total: 250)
        XCTAssertNil(first.next())
        XCTAssertEqual(first.remaining, 150)

        var empty = PageWalker(pageSize: 100, limit: nil, all: true)
        _ = empty.next()
        _ = empty.accept(count: 0, total: 500)
        XCTAssertNil(empty.next(), "an empty page ends the walk even if count says more")
    }

    func testPagesArePlannedLazilyAndAShortPageEndsTheWalk() {
        var walker = PageWalker(pageSize: 100, limit: nil, all: true)
        _ = walker.next()
        XCTAssertEqual(walker.accept(count: 100, total: Int.max), 100)
        var plan = walker.remainingPages()
        XCTAssertTrue(plan.hasSeveral)
        XCTAssertEqual(plan.next()?.skip, 100, "a count of Int.max plans one page at a time")
        XCTAssertEqual(walker.accept(count: 40, total: Int.max, requested: 100), 40)
        XCTAssertNil(walker.next(), "a short page ends the walk")
        XCTAssertEqual(walker.contradiction, "the server counted \(Int.max) items but its pages ended after 140")

        var honest = PageWalker(pageSize: 100, limit: nil, all: true)
        _ = honest.next()
        _ = honest.accept(count: 40, total: 40)
        XCTAssertNil(honest.contradiction)
        XCTAssertThrowsError(try PageWalker.count(in: ["count": -1]))
        XCTAssertThrowsError(try PageWalker.count(in: ["count": "many"]))
        XCTAssertEqual(try PageWalker.count(in: ["items": []]), nil)
    }

    func testRetryAfterThatIsNotAFiniteNonNegativeNumberIsAbsent() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for value in ["-1", "inf", "-inf", "nan", "1e400", "soon", ""] {
            XCTAssertNil(Backoff.parseRetryAfter(value, now: now), value)
            XCTAssertEqual(Backoff.delay(attempt: 0, base: 0.25, cap: 20, retryAfter: value, now: now, random: { $0 }), 0.25, "falls back to backoff: \(value)")
        }
        XCTAssertEqual(Backoff.parseRetryAfter("3", now: now), 3)
    }

    func testBackoffIsCappedJitteredAndHonoursRetryAfter() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        XCTAssertEqual(Backoff.delay(attempt: 10, base: 0.5, cap: 20, retryAfter: nil, now: now, random: { $0 }), 20)
        XCTAssertEqual(Backoff.delay(attempt: 2, base: 0.5, cap: 20, retryAfter: nil, now: now, random: { $0 }), 2)
        XCTAssertEqual(Backoff.delay(attempt: 2, base: 0.5, cap: 20, retryAfter: nil, now: now, random: { _ in 0 }), 0)
        XCTAssertEqual(Backoff.delay(attempt: 0, base: 0.5, cap: 20, retryAfter: "3", now: now), 3)
        XCTAssertEqual(Backoff.parseRetryAfter("Tue, 14 Nov 2023 22:13:30 GMT", now: now) ?? -1, 10, accuracy: 0.001)
        XCTAssertNil(Backoff.parseRetryAfter("soon", now: now))
    }

    func testRedaction() {
        XCTAssertEqual(Redaction.header("Authorization", "Bearer abc"), "Bearer ***")
        XCTAssertEqual(Redaction.header("X-Auth-Token", "abc"), "***")
        XCTAssertEqual(Redaction.header("Accept", "application/json"), "application/json")
        let body = Redaction.body(Array(#"{"name":"a","password":"p","nested":{"refresh_token":"r"}}"#.utf8), contentType: "application/json")
        XCTAssertEqual(body, #"{"name":"a","password":"***","nested":{"refresh_token":"***"}}"#)
        XCTAssertEqual(Redaction.body(Array("grant_type=client_credentials&client_secret=s3".utf8), contentType: "application/x-www-form-urlencoded"),
                       "grant_type=client_credentials&client_secret=***")
    }

    func testCurlCommandIsRunnableAndSecretFree() {
        var request = HTTPRequest(method: "POST", url: "https://pbx:8887/api/users?filter=name%20eq%20%27a%27")
        request.headers = [("Authorization", "Bearer s3cr3t"), ("Content-Type", "application/json")]
        request.body = Array(#"{"name":"o'brien","password":"x"}"#.utf8)
        let rendered = CurlCommand.render(request, credentials: [.init(header: "Authorization", value: "Bearer s3cr3t", variable: "PBXCTL_TOKEN")])
        XCTAssertEqual(rendered.line, #"curl -sS -X POST 'https://pbx:8887/api/users?filter=name%20eq%20%27a%27' -H "Authorization: Bearer $PBXCTL_TOKEN" -H 'Content-Type: application/json' --data-raw '{"name":"o'\''brien","password":"***"}'"#)
        XCTAssertEqual(rendered.masked, ["field password"])
    }

    func testOnlyTheProfilesOwnCredentialBecomesItsVariable() {
        var request = HTTPRequest(method: "GET", url: "https://pbx:8887/api/users")
        request.headers = [("Authorization", "Bearer other-token"), ("Cookie", "session=x"), ("Proxy-Authorization", "Basic cHJveHk6cHc="), ("X-Api-Key", "k-123")]
        let rendered = CurlCommand.render(request, credentials: [.init(header: "Authorization", value: "Bearer profile-token", variable: "PBXCTL_TOKEN")])
        XCTAssertEqual(rendered.line, "curl -sS https://pbx:8887/api/users -H 'Authorization: Bearer ***' -H 'Cookie: ***' -H 'Proxy-Authorization: Basic ***' -H 'X-Api-Key: ***'")
        XCTAssertEqual(rendered.masked, ["header Authorization", "header Cookie", "header Proxy-Authorization", "header X-Api-Key"])
        XCTAssertNotNil(rendered.maskedNote)
    }

    func testSecretNamesAreMatchedByPattern() {
        for name in ["password", "sip_password", "sipPassword", "passwd", "privateKey", "private_key", "apiKey", "api_key", "APIKey", "authorization",
                     "credentials", "pass", "voicemail_pin", "pin", "roomPin", "client_secret", "refresh_token", "authtoken", "result", "license_key"] {
            XCTAssertTrue(Redaction.isSecretKey(name), name)
        }
        for name in ["name", "extension_number", "token_url", "token_type", "auth_id", "email", "keyboard", "mapping", "display_name", "id"] {
            XCTAssertFalse(Redaction.isSecretKey(name), name)
        }
        for header in ["X-Api-Key", "x-auth-token", "Cookie", "Set-Cookie", "Proxy-Authorization", "X-Session-Id", "X-Client-Secret", "X-Credential", "X-Password"] {
            XCTAssertTrue(Redaction.isSecretHeader(header), header)
        }
        for header in ["Accept", "Content-Type", "X-User-Id", "User-Agent"] {
            XCTAssertFalse(Redaction.isSecretHeader(header), header)
        }
        let body = Redaction.body(Array(#"{"enable_pin":true,"pin":"1234","sipPassword":"sp"}"#.utf8), contentType: "application/json")
        XCTAssertEqual(body, #"{"enable_pin":true,"pin":"***","sipPassword":"***"}"#)
    }

    func testErrorMappingFromEachBackendShape() {
        let portsip = APIError.fromResponse(status: 400, body: Array(#"{"errors":[{"code":"VALIDATE_FAILED","message":"bad name"}]}"#.utf8), backend: "portsip")
        XCTAssertEqual(portsip.code, "VALIDATE_FAILED")
        XCTAssertEqual(portsip.exitCode, 1)
        let rocket = APIError.fromResponse(status: 403, body: Array(#"{"success":false,"error":"unauthorized"}"#.utf8), backend: "rocketchat")
        XCTAssertEqual(rocket.message, "unauthorized")
        XCTAssertEqual(rocket.exitCode, 3)
        let empty = APIError.fromResponse(status: 401, body: [], backend: "portsip")
        XCTAssertTrue(empty.message.contains("pbxctl login"))
        let html = APIError.fromResponse(status: 502, body: Array("<html>\n<body>Bad gateway</body></html>".utf8), backend: "portsip")
        XCTAssertTrue(html.message.contains("<html> <body>Bad gateway"), html.message)
        XCTAssertEqual(APIError.fromResponse(status: 404, body: [], backend: "x").exitCode, 4)
        XCTAssertEqual(APIError(kind: .transport, message: "x").exitCode, 5)
    }

    func testPercentEncoding() {
        XCTAssertEqual(percentEncode("a b/c'é"), "a%20b%2Fc%27%C3%A9")
        XCTAssertEqual(percentDecode("a%20b+c"), "a b c")
        XCTAssertEqual(PathTemplate.fill("/users/{id}/phones/{phone_id}", ["U", "P"]), "/users/U/phones/P")
        XCTAssertEqual(PathTemplate.fill("/users/{id}/profile", []), "/users/{id}/profile")
    }

    func testUserinfoAndSentSecretsAreMasked() {
        XCTAssertEqual(Redaction.url("https://admin:pw%40x@pbx.example.com:8887/api?token=t"), "https://admin:***@pbx.example.com:8887/api?token=***")
        XCTAssertEqual(Redaction.url("https://tok123@pbx.example.com/a@b"), "https://***@pbx.example.com/a@b")
        XCTAssertEqual(Redaction.url("https://pbx.example.com/a@b"), "https://pbx.example.com/a@b")
        var request = HTTPRequest(method: "POST", url: "https://u:urlpass@h/x")
        request.setHeader("Authorization", "Basic " + Data("apiuser:basic-pw".utf8).base64EncodedString())
        request.headers.append(("Content-Type", "application/json"))
        request.body = Array(#"{"name":"n","nested":{"password":"body-pw"}}"#.utf8)
        let secrets = Redaction.secretValues(of: request)
        let echoed = "bad: basic-pw, body-pw, urlpass; name n"
        XCTAssertEqual(Redaction.scrub(echoed, secrets: secrets), "bad: ***, ***, ***; name n")
    }

    func testLoopbackIsTheHostNotAPrefix() {
        for url in ["http://127.0.0.1:8887", "http://localhost/x", "http://[::1]:80", "http://127.9.9.9", "http://u:p@127.0.0.1"] { XCTAssertTrue(Backends.isLoopback(url), url) }
        for url in ["http://127.0.0.1.evil.example", "http://localhost.evil.example", "http://evil.example/127.0.0.1", "http://10.0.0.1", "http://127.0.0.1@evil.example"] {
            XCTAssertFalse(Backends.isLoopback(url), url)
        }
    }
}

extension ClientTests {
    func testHeaderBlocksKeepOnlyTheLastAnswersTrimmedHeaders() {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type:  application/json \t\r\nX-Empty:\r\nno colon here\r\n Retry-After : 3\r\n\r\n"
        let headers = CurlTransport.parseHeaders(text)
        XCTAssertEqual(headers.map(\.name), ["Content-Type", "X-Empty", "Retry-After"])
        XCTAssertEqual(headers.map(\.value), ["application/json", "", "3"])
        XCTAssertEqual(CurlTransport.parseHeaders("HTTP/1.1 204 No Content\nA: b\n").map(\.value), ["b"])
    }
}
