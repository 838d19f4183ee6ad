import Foundation
import XCTest

/// Behaviour beyond "the request was sent": state, sync tokens, downloads, rules.
final class ResourcesEndToEndTests: InProcessSandboxTestCase {
    func nextToken(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.hasPrefix("next sync token: ") }.map { String($0.dropFirst("next sync token: ".count)) }
    }

    func testContactSyncReportsRealChangesAndForgottenTokens() throws {
        let first = InProcess.run(["contacts", "sync", "-o", "json"], env: env)
        XCTAssertEqual(first.code, 0, first.stderr)
        let envelope = try XCTUnwrap(InProcess.json(first.stdout) as? [String: Any])
        let token = try XCTUnwrap(envelope["token"] as? String)
        XCTAssertEqual(nextToken(first.stderr), token, "the token is on stderr too")

        let created = InProcess.run(["contacts", "create", "--name", "Sync Me", "-q"], env: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let other = InProcess.run(["contacts", "create", "--name", "Delete Me", "-q"], env: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(InProcess.run(["contacts", "update", created, "--title", "Boss"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["contacts", "delete", other, "--yes"], env: env).code, 0)

        let changes = InProcess.run(["contacts", "sync", "--token", token, "-o", "jsonl", "--fields", "id,change_type,title"], env: env)
        XCTAssertEqual(changes.code, 0, changes.stderr)
        XCTAssertEqual(changes.stdout, "{\"id\":\"\(created)\",\"change_type\":\"UPDATED\",\"title\":\"Boss\"}\n{\"id\":\"\(other)\",\"change_type\":\"DELETED\",\"title\":null}\n")
        let next = try XCTUnwrap(nextToken(changes.stderr))
        XCTAssertEqual(InProcess.run(["contacts", "sync", "--token", next, "-o", "jsonl"], env: env).stdout, "", "nothing changed since")

        let forgotten = InProcess.run(["contacts", "sync", "--token", "st-forgotten"], env: env)
        XCTAssertEqual(forgotten.code, 3)
        XCTAssertTrue(forgotten.stderr.contains("start over with 'pbxctl contacts sync' without --token"), forgotten.stderr)
        let wrongKind = InProcess.run(["contacts", "sync", "--kind", "business", "--token", next], env: env)
        XCTAssertEqual(wrongKind.code, 3, "a personal-contacts token is not a business one")
    }

    func testCDRSyncSinceAndNewCalls() throws {
        let bad = InProcess.run(["cdrs", "sync", "--since", "last tuesday"], env: InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"]))
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.stderr.contains("RFC 3339"))
        let recent = InProcess.run(["cdrs", "sync", "--since", "2026-09-22T00:00:00Z", "-o", "jsonl", "--fields", "started_at"], env: env)
        XCTAssertEqual(recent.code, 0, recent.stderr)
        let lines = recent.stdout.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 0)
        XCTAssertTrue(lines.allSatisfy { $0 >= "{\"started_at\":\"2026-09-22" }, "only calls since --since")
        let token = try XCTUnwrap(nextToken(recent.stderr))
        _ = try sandbox.get("/_sandbox/portsip/cdrs", method: "POST")
        let after = InProcess.run(["cdrs", "sync", "--token", token, "-o", "json"], env: env)
        let items = try XCTUnwrap((InProcess.json(after.stdout) as? [String: Any])?["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual(items.first?["change_type"] as? String, "CREATED")
    }

    func testMeetingActionsChangeItsStatus() throws {
        let id = InProcess.run(["meetings", "create", "--subject", "State", "--mode", "AUDIO", "--timezone", "UTC", "-q"], env: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        func status() -> [String: Any] { (InProcess.json(InProcess.run(["meetings", "status", id, "-o", "json"], env: env).stdout) as? [String: Any]) ?? [:] }
        XCTAssertEqual(status()["status"] as? String, "OFFLINE")
        XCTAssertEqual(InProcess.run(["meetings", "lock", id], env: env).code, 1, "a meeting that has not started cannot be locked")
        XCTAssertEqual(InProcess.run(["meetings", "start", id], env: env).code, 0)
        for action in ["lock", "mute", "start-recording"] { XCTAssertEqual(InProcess.run(["meetings", action, id], env: env).code, 0) }
        let now = status()
        XCTAssertEqual(now["status"] as? String, "ONLINE")
        XCTAssertEqual(now["locked"] as? Bool, true)
        XCTAssertEqual(now["muted"] as? Bool, true)
        XCTAssertEqual(now["recording"] as? Bool, true)
        XCTAssertEqual(InProcess.run(["meetings", "participants", "invite", id, "1002"], env: env).code, 3, "locked meetings refuse invites")
        XCTAssertEqual(InProcess.run(["meetings", "unlock", id], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["meetings", "participants", "invite", id, "1002"], env: env).code, 0)
        let participant = InProcess.run(["meetings", "participants", "list", id, "-o", "json"], env: env)
        let rows = try XCTUnwrap(InProcess.json(participant.stdout) as? [[String: Any]])
        XCTAssertEqual(rows.first?["muted"] as? Bool, true, "joins muted while the meeting is muted")
        XCTAssertEqual(InProcess.run(["meetings", "participants", "position", id, "P", "9"], env: env).code, 2, "position is -1..8")
        XCTAssertEqual(InProcess.run(["meetings", "stop", id], env: env).code, 0)
        XCTAssertEqual(status()["recording"] as? Bool, false)
        XCTAssertEqual(InProcess.run(["meetings", "create", "--subject", "x", "--mode", "AUDIO", "--timezone", "UTC", "-f", "room_pin=12a4"], env: env).code, 2, "PINs are digits")
    }

    func testRecordingDownloadStreamsAndNeverOverwrites() throws {
        let dir = InProcess.temporaryDirectory()
        let id = InProcess.run(["recordings", "list", "-q"], env: env).stdout.split(separator: "\n").first.map(String.init) ?? ""
        let target = dir + "/call.wav"
        let first = InProcess.run(["recordings", "download", id, "-O", target], env: env)
        XCTAssertEqual(first.code, 0, first.stderr)
        let data = try Data(contentsOf: URL(fileURLWithPath: target))
        XCTAssertEqual(String(decoding: data.prefix(4), as: UTF8.self), "RIFF")
        XCTAssertGreaterThan(data.count, 16000)
        let again = InProcess.run(["recordings", "download", id, "-O", target], env: env)
        XCTAssertEqual(again.code, 2)
        XCTAssertTrue(again.stderr.contains("--force"))
        XCTAssertEqual(InProcess.run(["recordings", "download", id, "-O", target, "--force"], env: env).code, 0)
        let missing = InProcess.run(["recordings", "download", "nope", "-O", dir + "/x.wav"], env: env)
        XCTAssertEqual(missing.code, 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.wav"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["call.wav"], "no temporary file left behind")
    }

    func testSpeedDialCodesAndEnumsAreCheckedBeforeSending() {
        let closed = InProcess.environment(home: InProcess.temporaryDirectory(), extra: ["PBXCTL_URL": InProcess.closedURL, "PBXCTL_TOKEN": "t"])
        XCTAssertEqual(InProcess.run(["speed-dials", "create", "--kind", "8", "--code", "1", "--number", "1"], env: closed).code, 2)
        XCTAssertEqual(InProcess.run(["speed-dials", "create", "--kind", "100", "--code", "7", "--number", "1"], env: closed).code, 2)
        XCTAssertEqual(InProcess.run(["me", "presence", "SLEEPING"], env: closed).code, 2)
        XCTAssertEqual(InProcess.run(["call-queues", "agent", "cq-1", "--set-status", "NAPPING"], env: closed).code, 2)
        XCTAssertEqual(InProcess.run(["speed-dials", "create", "--kind", "8", "--code", "2", "--number", "1002", "-q"], env: env).code, 0)
    }

    func testAdminFormResolvesExtensions() throws {
        let created = InProcess.run(["holidays", "create", "--user", "1004", "--name", "Mine", "--region", "GBR", "--consecutive", "false", "--every-year", "true", "-q"], env: env)
        XCTAssertEqual(created.code, 0, created.stderr)
        XCTAssertTrue(InProcess.run(["holidays", "list", "--user", "1004", "-q"], env: env).stdout.contains(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertFalse(InProcess.run(["holidays", "list", "-q"], env: env).stdout.contains(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "the admin's own list is separate")
        XCTAssertEqual(InProcess.run(["holidays", "list", "--user", "9999"], env: env).code, 4)
    }
}

extension ResourcesEndToEndTests {
    func testRegistrationStatusCheckAndWait() throws {
        let table = InProcess.run(["registration", "status", "1004"], env: env)
        XCTAssertEqual(table.code, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "a header and one line per registration")
        XCTAssertEqual(lines[0].split(separator: " ").prefix(4).map(String.init), ["STATUS", "PRESENCE", "INSTANCE_ID", "USER_AGENT"])
        XCTAssertEqual(InProcess.run(["registration", "check", "1004"], env: env).code, 0)
        let none = InProcess.run(["registration", "check", "1005"], env: env)
        XCTAssertEqual(none.code, 7)
        XCTAssertEqual(InProcess.run(["registration", "status", "1005", "-q"], env: env).stdout, "")

        // A phone registers a second into a 15-second wait, counted on the command's clock.
        let sandbox = sandbox
        let clock = InProcess.ScheduledClock(after: 1) { _ = try? sandbox.get("/_sandbox/portsip/registrations?extension=1005", method: "POST") }
        let started = clock.now
        let waited = InProcess.run(["registration", "check", "1005", "--wait", "15"], env: env, clock: clock)
        XCTAssertEqual(waited.code, 0, waited.stderr)
        XCTAssertTrue(clock.fired, "the phone registered during the wait")
        XCTAssertLessThan(clock.now.timeIntervalSince(started), 14, "it returns as soon as the phone registers")
        let instance = InProcess.run(["registration", "status", "1005", "-q"], env: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(instance.hasPrefix("urn:uuid:sandbox-1005"), "[\(instance)] \(waited.stderr)")
        XCTAssertEqual(InProcess.run(["registration", "unregister", "1005", instance, "--yes"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["registration", "check", "1005", "--wait", "1"], env: env).code, 7)
    }
}

extension ResourcesEndToEndTests {
    /// Secrets the server returns (a phone's web and door passwords) print as *** unless asked for.
    func testReturnedSecretsAreMaskedUnlessShown() throws {
        let create = InProcess.run(["phones", "create", "--mac", "00:15:65:00:00:09", "--vendor", "Yealink", "--model", "T54W", "--filename", "y.xml", "--language", "ENGLISH",
                              "--transfer", "BLIND", "--timezone", "UTC", "--interface", "PRIVATE_IPV4", "--transport", "UDP", "-F", #"codecs=["PCMA"]"#,
                              "-f", "password=web-secret", "-f", "door_password1=4321", "-q"], env: env)
        XCTAssertEqual(create.code, 0, create.stderr)
        let id = create.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let masked = InProcess.run(["phones", "get", id, "-o", "json"], env: env)
        XCTAssertFalse(masked.stdout.contains("web-secret") || masked.stdout.contains("4321"), masked.stdout)
        XCTAssertTrue(masked.stdout.contains(#""password": "***""#), masked.stdout)
        XCTAssertFalse(InProcess.run(["phones", "list", "-o", "jsonl"], env: env).stdout.contains("web-secret"))
        let shown = try XCTUnwrap(InProcess.json(InProcess.run(["phones", "get", id, "-o", "json", "--show-secrets"], env: env).stdout) as? [String: Any])
        XCTAssertEqual(shown["password"] as? String, "web-secret")
        XCTAssertEqual(shown["door_password1"] as? String, "4321")
        XCTAssertEqual(InProcess.run(["phones", "create", "--mac", "x", "-f", "door_password1=12ab"], env: env).code, 2, "door passwords are digits")
    }
}
