import Foundation
import XCTest

/// Output a script pipes on: CSV/TSV carry every field, --fields is checked and keeps
/// nesting in JSON, tables keep their curated columns.
final class OutputEndToEndTests: SandboxTestCase {
    func testCSVWithoutFieldsCarriesEveryScalarInTheVendorsOrder() throws {
        let csv = PBX.run(["cdrs", "list", "-o", "csv", "--limit", "3"], env: env)
        XCTAssertEqual(csv.code, 0, csv.stderr)
        let header = try XCTUnwrap(csv.stdout.components(separatedBy: "\n").first).components(separatedBy: ",")
        XCTAssertEqual(header, ["id", "caller", "caller_domain", "caller_display_name", "callee", "callee_domain", "callee_display_name", "started_at", "rang_at",
                                "answered_at", "ended_at", "call_id", "direction", "end_reason", "reroute_reason", "status_code", "destination",
                                "outbound_caller_id", "did_cid", "trunk", "duration", "service_number", "user_data"])
        let tsv = PBX.run(["cdrs", "list", "-o", "tsv", "--limit", "3"], env: env)
        XCTAssertEqual(tsv.stdout.components(separatedBy: "\n").first, header.joined(separator: "\t"))
        let table = PBX.run(["cdrs", "list", "--limit", "3"], env: env)
        XCTAssertEqual(table.stdout.components(separatedBy: "\n").first?.split(separator: " "), ["STARTED_AT", "CALLER", "CALLEE", "DIRECTION", "DURATION", "END_REASON"])
        let users = PBX.run(["users", "list", "-o", "csv", "--limit", "1"], env: env)
        XCTAssertTrue(users.stdout.hasPrefix("id,name,enabled,email,display_name,role,"), users.stdout)
    }

    func testUnknownFieldsExitTwoWithTheNearestName() {
        for words in [["users", "list", "-o", "csv", "--fields", "name,extenson_number"], ["users", "get", "1001", "--fields", "extenson_number"],
                      ["registration", "status", "1001", "-o", "json", "--fields", "registraton"]] {
            let result = PBX.run(words, env: env)
            XCTAssertEqual(result.code, 2, words.joined(separator: " "))
            XCTAssertEqual(result.stdout, "", "nothing printed: \(words)")
            XCTAssertTrue(result.stderr.contains("did you mean"), result.stderr)
        }
        // A field the schema names is fine even when these records lack it.
        XCTAssertEqual(PBX.run(["users", "get", "1001", "--fields", "name,office_hours.mode", "-o", "json"], env: env).code, 0)
    }

    func testJSONFieldsKeepNestedValuesNested() throws {
        let json = PBX.run(["registration", "status", "1001", "-o", "json", "--fields", "status,registration"], env: env)
        XCTAssertEqual(json.code, 0, json.stderr)
        let object = try XCTUnwrap(PBX.json(json.stdout) as? [String: Any])
        XCTAssertEqual(Array(object.keys).sorted(), ["registration", "status"])
        let registrations = try XCTUnwrap(object["registration"] as? [[String: Any]])
        XCTAssertNotNil(registrations.first?["instance_id"] as? String)
        let jsonl = PBX.run(["registration", "status", "1001", "-o", "jsonl", "--fields", "registration"], env: env)
        XCTAssertEqual(jsonl.stdout.split(separator: "\n").count, 1)
        XCTAssertNotNil((PBX.json(jsonl.stdout) as? [String: Any])?["registration"] as? [[String: Any]])
    }

    /// At 80 columns on a terminal the other columns shrink; IDs stay whole and copyable.
    func testTablesOnATerminalNeverCutTheIDColumn() throws {
        let ids = PBX.run(["users", "list", "--limit", "3", "-q"], env: env).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(ids.count, 3)
        let table = PBX.runInTerminal(["users", "list", "--limit", "3", "--no-color"], env: env, columns: 80)
        XCTAssertEqual(table.code, 0, table.stdout)
        let rows = table.stdout.split(separator: "\n").filter { !$0.hasPrefix("Showing") }
        XCTAssertEqual(rows.count, 4, table.stdout)
        XCTAssertTrue(table.stdout.contains("…"), "the table was wider than 80 columns: something had to shrink")
        for (row, id) in zip(rows.dropFirst(), ids) {
            XCTAssertTrue(row.hasPrefix(id + " "), "\(id) cut in: \(row)")
            XCTAssertLessThanOrEqual(row.count, 80, String(row))
        }
    }

    /// A command that changes an object prints that object, read back when the API answers only an ID or nothing.
    func testCreateAndUpdatePrintTheObjectInJSON() throws {
        let create = PBX.run(["users", "create", "--name", "out.json", "--display-name", "Out Json", "--email", "oj@example.com", "--role", "StandardUser",
                              "--extension", "7301", "-f", "password=Pass#7301x", "-f", "extension_password=Sip#7301x", "-f", "voicemail_pin=385920", "-o", "json"], env: env)
        XCTAssertEqual(create.code, 0, create.stderr)
        let created = try XCTUnwrap(PBX.json(create.stdout) as? [String: Any])
        XCTAssertEqual(created["name"] as? String, "out.json")
        XCTAssertEqual(created["extension_number"] as? String, "7301")
        XCTAssertNotNil(created["id"] as? String)

        let update = PBX.run(["users", "update", "7301", "--department", "Night Shift", "-o", "json"], env: env)
        XCTAssertEqual(update.code, 0, update.stderr)
        let updated = try XCTUnwrap(PBX.json(update.stdout) as? [String: Any])
        XCTAssertEqual(updated["department"] as? String, "Night Shift")
        XCTAssertEqual(updated["id"] as? String, created["id"] as? String)
        XCTAssertEqual(PBX.run(["users", "update", "7301", "--department", "Day", "-q"], env: env).stdout, "", "-q prints no object")

        let refused = PBX.run(["users", "update", "7301", "--department", "Nowhere", "-o", "json", "--fields", "departmnt"], env: env)
        XCTAssertEqual(refused.code, 2)
        XCTAssertTrue(refused.stderr.contains("--fields: unknown field 'departmnt'; did you mean department?"), refused.stderr)
        XCTAssertFalse(PBX.run(["users", "get", "7301", "-o", "json"], env: env).stdout.contains("Nowhere"), "a refused --fields changes nothing")
    }

    func testRegistrationCheckPrintsTheStatusItJudged() throws {
        let registered = PBX.run(["registration", "check", "1001", "-o", "json"], env: env)
        XCTAssertEqual(registered.code, 0, registered.stderr)
        let status = try XCTUnwrap(PBX.json(registered.stdout) as? [String: Any])
        XCTAssertFalse((status["registration"] as? [Any] ?? []).isEmpty)
        XCTAssertNotNil(status["status"] as? String)
        XCTAssertEqual(PBX.run(["registration", "check", "1001"], env: env).stdout, "", "a table run stays silent on stdout")
    }

    /// Colour: on a terminal unless TERM=dumb or NO_COLOR is non-empty; --color decides when given.
    func testColourFollowsTheTerminalNoColorAndTheFlag() {
        let bold = "\u{1B}[1m"
        func coloured(_ extra: [String: String], _ flags: [String] = [], terminal: Bool = true) -> Bool {
            let environment = env.merging(["TERM": "xterm"]) { $1 }.merging(extra) { $1 }
            let words = ["users", "list", "--limit", "1"] + flags
            let result = terminal ? PBX.runInTerminal(words, env: environment) : PBX.run(words, env: environment)
            XCTAssertEqual(result.code, 0, result.stdout + result.stderr)
            return result.stdout.contains(bold)
        }
        XCTAssertTrue(coloured([:]))
        XCTAssertTrue(coloured(["NO_COLOR": ""]), "an empty NO_COLOR does not count")
        XCTAssertFalse(coloured(["NO_COLOR": "1"]))
        XCTAssertFalse(coloured(["TERM": "dumb"]))
        XCTAssertFalse(coloured([:], ["--color", "never"]))
        XCTAssertFalse(coloured([:], ["--no-color"]))
        XCTAssertTrue(coloured(["NO_COLOR": "1"], ["--color", "always"]))
        XCTAssertTrue(coloured([:], ["--color", "always"], terminal: false), "always means piped too")
        XCTAssertFalse(coloured([:], ["--color", "auto"], terminal: false))
        XCTAssertEqual(PBX.run(["users", "list", "--color", "sometimes"], env: env).code, 2)
    }
}
