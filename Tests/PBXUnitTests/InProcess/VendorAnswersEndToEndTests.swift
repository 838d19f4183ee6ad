import Foundation
import XCTest

/// pbxctl reads answers shaped as the vendor document says (the sandbox answers no
/// other way): one CDR under `items`, one recording as the first of `items`, CDR
/// changes with their legs, extension contacts by user, 404 for actions on nothing.
final class VendorAnswersEndToEndTests: InProcessSandboxTestCase {
    func firstID(_ resource: String) throws -> String {
        let listed = InProcess.run([resource, "list", "--limit", "1", "-q"], env: env)
        XCTAssertEqual(listed.code, 0, listed.stderr)
        return try XCTUnwrap(listed.stdout.split(separator: "\n").first.map(String.init))
    }

    func testCDRGetPrintsTheRecordNotItsWrapper() throws {
        let id = try firstID("cdrs")
        let json = InProcess.run(["cdrs", "get", id, "-o", "json"], env: env)
        XCTAssertEqual(json.code, 0, json.stderr)
        let record = try XCTUnwrap(InProcess.json(json.stdout) as? [String: Any])
        XCTAssertNil(record["items"], "the wrapper is not the record")
        XCTAssertNotNil(record["caller"] as? String)
        XCTAssertNotNil(record["direction"] as? String)
        let csv = InProcess.run(["cdrs", "get", id, "-o", "csv", "--fields", "caller,callee"], env: env)
        let rows = csv.stdout.split(whereSeparator: \.isNewline)
        XCTAssertEqual(rows.count, 2, csv.stdout)
        XCTAssertFalse(rows.last?.hasPrefix(",") ?? true, "the caller is filled in: \(csv.stdout)")
        let table = InProcess.run(["cdrs", "get", id], env: env)
        XCTAssertTrue(table.stdout.contains("CALLER"), table.stdout)
        XCTAssertFalse(table.stdout.contains("ITEMS"), table.stdout)
    }

    func testRecordingGetAndDownloadReadTheFirstItem() throws {
        let id = try firstID("recordings")
        let json = InProcess.run(["recordings", "get", id, "-o", "json"], env: env)
        XCTAssertEqual(json.code, 0, json.stderr)
        let record = try XCTUnwrap(InProcess.json(json.stdout) as? [String: Any])
        XCTAssertNil(record["items"])
        XCTAssertTrue((record["file_url"] as? String)?.hasPrefix("/api/blobs/") == true, json.stdout)
        let jsonl = InProcess.run(["recordings", "get", id, "-o", "jsonl", "--fields", "file_name"], env: env)
        XCTAssertTrue(jsonl.stdout.hasPrefix("{\"file_name\":\"recording-"), jsonl.stdout)

        let folder = InProcess.temporaryDirectory()
        let download = InProcess.run(["recordings", "download", id, "-O", folder + "/call.wav"], env: env)
        XCTAssertEqual(download.code, 0, download.stderr)
        let audio = try Data(contentsOf: URL(fileURLWithPath: folder + "/call.wav"))
        XCTAssertEqual(audio.prefix(4), Data("RIFF".utf8))
    }

    func testCDRChangesCarryTheirLegs() throws {
        let start = InProcess.run(["cdrs", "sync", "--since", "2030-01-01T00:00:00Z", "-o", "json"], env: env)
        XCTAssertEqual(start.code, 0, start.stderr)
        let token = try XCTUnwrap((InProcess.json(start.stdout) as? [String: Any])?["token"] as? String)
        let call = try XCTUnwrap(JSONSerialization.jsonObject(with: sandbox.get("/_sandbox/portsip/cdrs", method: "POST")) as? [String: Any])
        let after = InProcess.run(["cdrs", "sync", "--token", token, "-o", "jsonl", "--fields", "id,change_type,caller"], env: env)
        XCTAssertEqual(after.code, 0, after.stderr)
        XCTAssertEqual(after.stdout, "{\"id\":\"\(call["id"]!)\",\"change_type\":\"CREATED\",\"caller\":\"\(call["caller"]!)\"}\n",
                       "one row per leg, with the change's id and type")
    }

    func testExtensionContactsTakeAnExtensionNumber() throws {
        let userID = InProcess.run(["users", "get", "1003", "-q"], env: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(userID.isEmpty)
        let start = InProcess.run(["contacts", "sync", "--kind", "extension", "-o", "json"], env: env)
        let token = try XCTUnwrap((InProcess.json(start.stdout) as? [String: Any])?["token"] as? String)
        let favorite = InProcess.run(["contacts", "favorite", "1003", "--kind", "extension"], env: env)
        XCTAssertEqual(favorite.code, 0, favorite.stderr)
        let changes = InProcess.run(["contacts", "sync", "--kind", "extension", "--token", token, "-o", "jsonl", "--fields", "id,change_type,favorite"], env: env)
        XCTAssertEqual(changes.stdout, "{\"id\":\"\(userID)\",\"change_type\":\"UPDATED\",\"favorite\":true}\n", changes.stderr)
        XCTAssertEqual(InProcess.run(["contacts", "unfavorite", "1003", "--kind", "extension"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["contacts", "favorite", "9999", "--kind", "extension"], env: env).code, 4, "no user has that extension")
    }

    func testActionsOnWhatDoesNotExistAre404() throws {
        for words in [["meetings", "lock", "NOPE"], ["meetings", "start", "NOPE"], ["meetings", "participants", "list", "NOPE"],
                      ["registration", "unregister", "1001", "NOPE", "--yes"]] {
            let result = InProcess.run(words, env: env)
            XCTAssertEqual(result.code, 4, "\(words.joined(separator: " ")): \(result.stderr)")
        }
        let meeting = InProcess.run(["meetings", "create", "--subject", "Neg", "--mode", "AUDIO", "--timezone", "UTC", "-q"], env: env).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(InProcess.run(["meetings", "start", meeting], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["meetings", "participants", "mute", meeting, "NOPE"], env: env).code, 4)
    }

    func testNegativeNumbersAreValues() throws {
        let meeting = InProcess.run(["meetings", "create", "--subject", "Hide", "--mode", "AUDIO", "--timezone", "UTC", "-q"], env: env).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(InProcess.run(["meetings", "start", meeting], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["meetings", "participants", "invite", meeting, "1002"], env: env).code, 0)
        let participants = try XCTUnwrap(InProcess.json(InProcess.run(["meetings", "participants", "list", meeting, "-o", "json"], env: env).stdout) as? [[String: Any]])
        let participant = try XCTUnwrap(participants.first?["id"] as? String)
        let hide = InProcess.run(["meetings", "participants", "position", meeting, participant, "-1"], env: env)
        XCTAssertEqual(hide.code, 0, "-1 hides a participant: \(hide.stderr)")
        let shown = try XCTUnwrap(InProcess.json(InProcess.run(["meetings", "participants", "get", meeting, participant, "-o", "json"], env: env).stdout) as? [String: Any])
        XCTAssertEqual(shown["position"] as? Int, -1)
    }
}

extension VendorAnswersEndToEndTests {
    /// Every user is an extension contact (not only the first few seeded), and a
    /// recording's file_size is the size of what downloads.
    func testSandboxContactsAndRecordingSizesAreConsistent() throws {
        let created = InProcess.run(["users", "create", "--name", "late.joiner", "--display-name", "Late", "--email", "late@example.com",
                               "--role", "StandardUser", "--extension", "7399", "-f", "password=Late#Pass1", "-f", "extension_password=Sip#Pass1",
                               "-f", "voicemail_pin=385920", "-q"], env: env)
        XCTAssertEqual(created.code, 0, created.stderr)
        XCTAssertEqual(InProcess.run(["contacts", "favorite", "7399", "--kind", "extension"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["contacts", "favorite", "1200", "--kind", "extension"], env: env).code, 0)
        let id = try firstID("recordings")
        let record = try XCTUnwrap(InProcess.json(InProcess.run(["recordings", "get", id, "-o", "json"], env: env).stdout) as? [String: Any])
        let folder = InProcess.temporaryDirectory()
        XCTAssertEqual(InProcess.run(["recordings", "download", id, "-O", folder + "/r.wav"], env: env).code, 0)
        let size = try FileManager.default.attributesOfItem(atPath: folder + "/r.wav")[.size] as? Int
        XCTAssertEqual(record["file_size"] as? Int, size)
    }
}
