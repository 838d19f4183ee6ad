import Foundation
import XCTest

/// Output a script pipes on: CSV/TSV carry every field, --fields is checked and keeps
/// nesting in JSON, tables keep their curated columns (on a terminal: PBXEndToEndTests).
final class OutputEndToEndTests: InProcessSandboxTestCase {
    func testCSVWithoutFieldsCarriesEveryScalarInTheVendorsOrder() throws {
        let csv = InProcess.run(["cdrs", "list", "-o", "csv", "--limit", "3"], env: env)
        XCTAssertEqual(csv.code, 0, csv.stderr)
        let header = try XCTUnwrap(csv.stdout.components(separatedBy: "\n").first).components(separatedBy: ",")
        XCTAssertEqual(header, ["id", "caller", "caller_domain", "caller_display_name", "callee", "callee_domain", "callee_display_name", "started_at", "rang_at",
                                "answered_at", "ended_at", "call_id", "direction", "end_reason", "reroute_reason", "status_code", "destination",
                                "outbound_caller_id", "did_cid", "trunk", "duration", "service_number", "user_data"])
        let tsv = InProcess.run(["cdrs", "list", "-o", "tsv", "--limit", "3"], env: env)
        XCTAssertEqual(tsv.stdout.components(separatedBy: "\n").first, header.joined(separator: "\t"))
        let table = InProcess.run(["cdrs", "list", "--limit", "3"], env: env)
        XCTAssertEqual(table.stdout.components(separatedBy: "\n").first?.split(separator: " "), ["STARTED_AT", "CALLER", "CALLEE", "DIRECTION", "DURATION", "END_REASON"])
        let users = InProcess.run(["users", "list", "-o", "csv", "--limit", "1"], env: env)
        XCTAssertTrue(users.stdout.hasPrefix("id,name,enabled,email,display_name,role,"), users.stdout)
    }

    func testUnknownFieldsExitTwoWithTheNearestName() {
        for words in [["users", "list", "-o", "csv", "--fields", "name,extenson_number"], ["users", "get", "1001", "--fields", "extenson_number"],
                      ["registration", "status", "1001", "-o", "json", "--fields", "registraton"]] {
            let result = InProcess.run(words, env: env)
            XCTAssertEqual(result.code, 2, words.joined(separator: " "))
            XCTAssertEqual(result.stdout, "", "nothing printed: \(words)")
            XCTAssertTrue(result.stderr.contains("did you mean"), result.stderr)
        }
        // A field the schema names is fine even when these records lack it.
        XCTAssertEqual(InProcess.run(["users", "get", "1001", "--fields", "name,office_hours.mode", "-o", "json"], env: env).code, 0)
    }

    func testJSONFieldsKeepNestedValuesNested() throws {
        let json = InProcess.run(["registration", "status", "1001", "-o", "json", "--fields", "status,registration"], env: env)
        XCTAssertEqual(json.code, 0, json.stderr)
        let object = try XCTUnwrap(InProcess.json(json.stdout) as? [String: Any])
        XCTAssertEqual(Array(object.keys).sorted(), ["registration", "status"])
        let registrations = try XCTUnwrap(object["registration"] as? [[String: Any]])
        XCTAssertNotNil(registrations.first?["instance_id"] as? String)
        let jsonl = InProcess.run(["registration", "status", "1001", "-o", "jsonl", "--fields", "registration"], env: env)
        XCTAssertEqual(jsonl.stdout.split(separator: "\n").count, 1)
        XCTAssertNotNil((InProcess.json(jsonl.stdout) as? [String: Any])?["registration"] as? [[String: Any]])
    }

    /// A command that changes an object prints that object, read back when the API answers only an ID or nothing.
    func testCreateAndUpdatePrintTheObjectInJSON() throws {
        let create = InProcess.run(["users", "create", "--name", "out.json", "--display-name", "Out Json", "--email", "oj@example.com", "--role", "StandardUser",
                              "--extension", "7301", "-f", "password=Pass#7301x", "-f", "extension_password=Sip#7301x", "-f", "voicemail_pin=385920", "-o", "json"], env: env)
        XCTAssertEqual(create.code, 0, create.stderr)
        let created = try XCTUnwrap(InProcess.json(create.stdout) as? [String: Any])
        XCTAssertEqual(created["name"] as? String, "out.json")
        XCTAssertEqual(created["extension_number"] as? String, "7301")
        XCTAssertNotNil(created["id"] as? String)

        let update = InProcess.run(["users", "update", "7301", "--department", "Night Shift", "-o", "json"], env: env)
        XCTAssertEqual(update.code, 0, update.stderr)
        let updated = try XCTUnwrap(InProcess.json(update.stdout) as? [String: Any])
        XCTAssertEqual(updated["department"] as? String, "Night Shift")
        XCTAssertEqual(updated["id"] as? String, created["id"] as? String)
        XCTAssertEqual(InProcess.run(["users", "update", "7301", "--department", "Day", "-q"], env: env).stdout, "", "-q prints no object")

        let refused = InProcess.run(["users", "update", "7301", "--department", "Nowhere", "-o", "json", "--fields", "departmnt"], env: env)
        XCTAssertEqual(refused.code, 2)
        XCTAssertTrue(refused.stderr.contains("--fields: unknown field 'departmnt'; did you mean department?"), refused.stderr)
        XCTAssertFalse(InProcess.run(["users", "get", "7301", "-o", "json"], env: env).stdout.contains("Nowhere"), "a refused --fields changes nothing")
    }

    func testRegistrationCheckPrintsTheStatusItJudged() throws {
        let registered = InProcess.run(["registration", "check", "1001", "-o", "json"], env: env)
        XCTAssertEqual(registered.code, 0, registered.stderr)
        let status = try XCTUnwrap(InProcess.json(registered.stdout) as? [String: Any])
        XCTAssertFalse((status["registration"] as? [Any] ?? []).isEmpty)
        XCTAssertNotNil(status["status"] as? String)
        XCTAssertEqual(InProcess.run(["registration", "check", "1001"], env: env).stdout, "", "a table run stays silent on stdout")
    }
}
