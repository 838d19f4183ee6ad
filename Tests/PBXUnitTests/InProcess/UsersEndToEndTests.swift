import Foundation
import XCTest

/// `users` against the sandbox over loopback, as docs/cli.md describes.
final class UsersEndToEndTests: InProcessSandboxTestCase {


    func testReadmeMainCommandPrintsATable() {
        let result = InProcess.run(["--sandbox", "users", "list"], env: InProcess.environment(home: InProcess.temporaryDirectory()))
        XCTAssertEqual(result.code, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first.map { $0.split(separator: " ").map(String.init) }, ["ID", "NAME", "EXTENSION_NUMBER", "DISPLAY_NAME", "EMAIL", "ROLE", "ENABLED"])
        XCTAssertEqual(lines.count, 101, "first page of 100 plus the header")
        XCTAssertFalse(result.stdout.contains("\u{1B}["), "no colour when piped")
        XCTAssertFalse(result.stdout.contains("…"), "never truncated when piped")
    }

    func testJSONMergesAllPages() throws {
        let first = InProcess.run(["users", "list", "-o", "json"], env: env)
        XCTAssertEqual((InProcess.json(first.stdout) as? [Any])?.count, 100)
        let all = InProcess.run(["users", "list", "--all", "-o", "json"], env: env)
        XCTAssertEqual(all.code, 0, all.stderr)
        let items = try XCTUnwrap(InProcess.json(all.stdout) as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(items.count, 250)
        XCTAssertEqual(Set(items.compactMap { $0["id"] as? String }).count, items.count, "no page fetched twice")
    }

    func testLimitAcrossPagesAndSmallPages() throws {
        let limited = InProcess.run(["users", "list", "--limit", "130", "-o", "jsonl"], env: env)
        XCTAssertEqual(limited.code, 0, limited.stderr)
        let lines = limited.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 130)
        for line in lines { XCTAssertNotNil(InProcess.json(String(line)) as? [String: Any]) }
        let paged = InProcess.run(["users", "list", "--limit", "7", "--page-size", "3", "-q"], env: env)
        XCTAssertEqual(paged.stdout.split(separator: "\n").count, 7)
    }

    func testCSVWithFieldsIsRFC4180() {
        let result = InProcess.run(["users", "list", "--limit", "3", "-o", "csv", "--fields", "id,name,extension_number"], env: env)
        XCTAssertEqual(result.code, 0, result.stderr)
        let rows = result.stdout.components(separatedBy: "\n")
        XCTAssertEqual(rows[0], "id,name,extension_number")
        XCTAssertEqual(rows.count, 5, "header, three rows, and the empty tail after the last LF")
        XCTAssertTrue(rows[1].hasSuffix(",1001"), rows[1])
        let noHeaders = InProcess.run(["users", "list", "--limit", "1", "-o", "tsv", "--fields", "name,extension_number", "--no-headers"], env: env)
        XCTAssertEqual(noHeaders.stdout, "alice.smith\t1001\n")
    }

    func testQuietPrintsIDsAndOutputIsDeterministic() {
        let a = InProcess.run(["users", "list", "-q", "--limit", "5"], env: env)
        let b = InProcess.run(["users", "list", "-q", "--limit", "5"], env: env)
        XCTAssertEqual(a.stdout.split(separator: "\n").count, 5)
        XCTAssertEqual(a.stdout, b.stdout)
        let c = InProcess.run(["users", "list", "-o", "json", "--limit", "5"], env: env)
        let d = InProcess.run(["users", "list", "-o", "json", "--limit", "5"], env: env)
        XCTAssertEqual(c.stdout, d.stdout)
    }

    func testGetByExtensionOrID() throws {
        let byExtension = InProcess.run(["users", "get", "1002", "-o", "json"], env: env)
        XCTAssertEqual(byExtension.code, 0, byExtension.stderr)
        let user = try XCTUnwrap(InProcess.json(byExtension.stdout) as? [String: Any])
        XCTAssertEqual(user["extension_number"] as? String, "1002")
        let id = try XCTUnwrap(user["id"] as? String)
        let byID = InProcess.run(["users", "get", id, "--fields", "name,extension_number", "-o", "json"], env: env)
        XCTAssertEqual(byID.stdout, "{\n  \"name\": \"bob.smith\",\n  \"extension_number\": \"1002\"\n}\n")
        XCTAssertTrue(byExtension.stdout.hasPrefix("{\n  \"id\""), "the server's key order is kept")
    }

    func testCreateUpdateDeleteLifecycle() throws {
        let create = InProcess.run(["users", "create", "--name", "e2e.lifecycle", "--display-name", "Life Cycle", "--email", "lc@example.com",
                              "--role", "StandardUser", "--extension", "7101", "-f", "voicemail_pin=385920", "--data", "-", "-q"],
                             env: env, stdin: #"{"password":"Secret#7101","extension_password":"Sip#7101"}"#)
        XCTAssertEqual(create.code, 0, create.stderr)
        let id = create.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(id.isEmpty)

        let again = InProcess.run(["users", "create", "--name", "e2e.lifecycle", "--display-name", "x", "--email", "x@example.com", "--role", "StandardUser",
                             "--extension", "7102", "-f", "password=p", "-f", "extension_password=q", "-f", "voicemail_pin=385920"], env: env)
        XCTAssertEqual(again.code, 1, "a 409 conflict is a server refusal")
        XCTAssertTrue(again.stderr.contains("409"), again.stderr)

        let update = InProcess.run(["users", "update", "7101", "--display-name", "Renamed", "--enabled", "false"], env: env)
        XCTAssertEqual(update.code, 0, update.stderr)
        let shown = InProcess.run(["users", "get", id, "-o", "json"], env: env)
        let user = try XCTUnwrap(InProcess.json(shown.stdout) as? [String: Any])
        XCTAssertEqual(user["display_name"] as? String, "Renamed")
        XCTAssertEqual(user["enabled"] as? Bool, false)
        XCTAssertNil(user["password"], "secrets are never echoed back")

        let role = InProcess.run(["users", "set-role", "7101", "QueueManager"], env: env)
        XCTAssertEqual(role.code, 0, role.stderr)
        let balance = InProcess.run(["users", "balance", "7101", "--set", "12.5"], env: env)
        XCTAssertEqual(balance.code, 0, balance.stderr)
        XCTAssertEqual(InProcess.run(["users", "balance", "7101", "-o", "jsonl"], env: env).stdout, "{\"balance\":12.5}\n")
        let password = InProcess.run(["users", "set-password", "7101", "--password-stdin"], env: env, stdin: "N3w-Secret\n")
        XCTAssertEqual(password.code, 0, password.stderr)
        XCTAssertEqual(InProcess.run(["users", "ms365-bind", "7101", "ms-account-1"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "ms365-unbind", "7101", "--yes"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "reset-profile", "7101"], env: env).code, 0)

        let refused = InProcess.run(["users", "delete", "7101"], env: env)
        XCTAssertEqual(refused.code, 2, "delete needs --yes without a terminal")
        XCTAssertTrue(refused.stderr.contains("--yes"))
        XCTAssertEqual(InProcess.run(["users", "delete", "7101", "--yes"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "get", id], env: env).code, 4)
    }

    func testStatusAndFilter() throws {
        let status = InProcess.run(["users", "status", "1001", "-o", "json"], env: env)
        XCTAssertEqual(status.code, 0, status.stderr)
        let object = try XCTUnwrap(InProcess.json(status.stdout) as? [String: Any])
        XCTAssertEqual(object["status"] as? String, "ONLINE")
        XCTAssertEqual((object["registration"] as? [Any])?.count, 1)
        let filtered = InProcess.run(["users", "list", "--filter", "startswith(name,'bob')", "-q", "--all"], env: env)
        XCTAssertGreaterThanOrEqual(filtered.stdout.split(separator: "\n").count, 2)
        let searched = InProcess.run(["users", "list", "--search", "carol.jones", "-o", "jsonl", "--fields", "name"], env: env)
        XCTAssertEqual(searched.stdout, "{\"name\":\"carol.jones\"}\n")
    }

    func testClientSideValidationSendsNothing() {
        let closed = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"])
        let result = InProcess.run(["users", "create", "--name", ".admin", "--display-name", "X", "--email", "x@example.com", "--role", "StandardUser",
                              "--extension", "12", "-f", "password=p", "-f", "extension_password=q", "-f", "voicemail_pin=111222"], env: closed)
        XCTAssertEqual(result.code, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("--name must not start or end with '.' (name)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--extension must be 3 to 64 digits (extension_number)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("voicemail_pin: must not repeat"), "set with -f, told by its field: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("nothing was sent"))

        let missing = InProcess.run(["users", "create", "--name", "ok.name"], env: closed)
        XCTAssertEqual(missing.code, 2)
        for (flag, field) in [("--display-name", "display_name"), ("--email", "email"), ("--role", "role"), ("--extension", "extension_number")] {
            XCTAssertTrue(missing.stderr.contains("\(flag) is required (\(field))"), "\(flag) missing from: \(missing.stderr)")
        }
        for secret in ["password", "extension_password", "voicemail_pin"] {
            XCTAssertTrue(missing.stderr.contains("\(secret): is required"), "\(secret) missing from: \(missing.stderr)")
        }
        let badEnum = InProcess.run(["users", "update", "NzAw", "-f", "sms=SOMETIMES"], env: closed)
        XCTAssertEqual(badEnum.code, 2)
        XCTAssertTrue(badEnum.stderr.contains("sms: must be one of DISABLE, ALLOW, ALLOW_WITH_SENDER_ID"), badEnum.stderr)
        let pageSize = InProcess.run(["users", "list", "--page-size", "101"], env: closed)
        XCTAssertEqual(pageSize.code, 2)
    }

    func testExitCodes() {
        let home = InProcess.temporaryDirectory()
        XCTAssertEqual(InProcess.run(["users", "lst"], env: env).code, 2)
        XCTAssertEqual(InProcess.run(["users", "get", "NOPE"], env: env).code, 4)
        let unauthorized = InProcess.run(["users", "list"], env: sandbox.env(["PBXCTL_TOKEN": "wrong"]))
        XCTAssertEqual(unauthorized.code, 3, unauthorized.stderr)
        let noAnswer = InProcess.run(["users", "list", "--retries", "0", "--timeout", "3"], env: InProcess.environment(home: home, extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"]))
        XCTAssertEqual(noAnswer.code, 5, noAnswer.stderr)
        let builtIn = InProcess.run(["roles", "delete", "Admin", "--yes"], env: env)
        XCTAssertEqual(builtIn.code, 3, "built-in roles are forbidden to change: \(builtIn.stderr)")
        let conflict = InProcess.run(["roles", "create", "Dup"], env: env)
        XCTAssertEqual(conflict.code, 0, conflict.stderr)
        XCTAssertEqual(InProcess.run(["roles", "create", "Dup"], env: env).code, 1)
        XCTAssertEqual(InProcess.run(["roles", "create", "admin"], env: env).code, 2, "built-in role names are reserved")
    }

    func testJSONErrorsOnStderr() throws {
        let result = InProcess.run(["users", "get", "NOPE", "-o", "json"], env: env)
        XCTAssertEqual(result.code, 4)
        XCTAssertEqual(result.stdout, "")
        let last = try XCTUnwrap(result.stderr.split(separator: "\n").last)
        let object = try XCTUnwrap(InProcess.json(String(last)) as? [String: [String: Any]])
        XCTAssertEqual(object["error"]?["status"] as? Int, 404)
        XCTAssertEqual(object["error"]?["code"] as? String, "NOT_FOUND")
        XCTAssertEqual(object["error"]?["backend"] as? String, "portsip")
        let usage = InProcess.run(["users", "get", "-o", "json"], env: env)
        XCTAssertEqual(usage.code, 2)
        XCTAssertTrue(usage.stderr.contains(#""code":"USAGE""#), usage.stderr)
    }

    func testDryRunPrintsCurlWithoutSecretsAndSendsNothing() {
        let closed = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "top-secret-token"])
        let result = InProcess.run(["users", "create", "--name", "dry.run", "--display-name", "D", "--email", "d@example.com", "--role", "StandardUser",
                              "--extension", "7201", "-f", "password=hunter2", "-f", "extension_password=sip-secret", "-f", "voicemail_pin=385920", "--dry-run"], env: closed)
        XCTAssertEqual(result.code, 0, "exit 0 against a closed port: nothing was sent. \(result.stderr)")
        XCTAssertTrue(result.stdout.hasPrefix("curl -sS -X POST http://127.0.0.1:9/api/users "), result.stdout)
        XCTAssertTrue(result.stdout.contains("\"Authorization: Bearer $PBXCTL_TOKEN\""))
        for secret in ["top-secret-token", "hunter2", "sip-secret", "385920"] {
            XCTAssertFalse(result.stdout.contains(secret) || result.stderr.contains(secret), "\(secret) leaked")
        }
    }

    func testVerboseRedactsTheToken() {
        let result = InProcess.run(["users", "get", "1001", "-v"], env: env)
        XCTAssertEqual(result.code, 0)
        XCTAssertTrue(result.stderr.contains("> GET "), result.stderr)
        XCTAssertTrue(result.stderr.contains("Authorization: Bearer ***"))
        XCTAssertFalse(result.stderr.contains("sandbox-portsip-token"))
    }
}
