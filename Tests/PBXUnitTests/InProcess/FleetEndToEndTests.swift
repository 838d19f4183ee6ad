import Foundation
import XCTest

/// `-p a,b` and `-p 'site-*'`: one command on several PBXes, against two sandboxes
/// (250 and 5 users), a Rocket.Chat profile and a PBX that does not answer.
final class FleetEndToEndTests: XCTestCase {
    // Set in the class's setUp and read by its tests: XCTest runs them one at a time.
    nonisolated(unsafe) static var siteA: InProcessSandbox!
    nonisolated(unsafe) static var siteB: InProcessSandbox!
    nonisolated(unsafe) static var home = ""

    override class func setUp() {
        super.setUp()
        siteA = try! InProcessSandbox()
        siteB = try! InProcessSandbox(arguments: ["--users", "5"])
        home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        for (name, url) in [("site-a", siteA.baseURL + "/portsip"), ("site-b", siteB.baseURL + "/portsip"), ("site-down", InProcess.closedURL + "/portsip"), ("lab", siteA.baseURL + "/portsip")] {
            InProcess.run(["config", "set", name, "--type", "portsip", "--url", url, "token=sandbox-portsip-token"], env: env)
        }
        InProcess.run(["config", "set", "site-chat", "--type", "rocketchat", "--url", siteA.baseURL + "/rocketchat",
                 "user_id=rbAXPnMktTFbNpwtJ", "auth_token=sandbox-rocketchat-token"], env: env)
    }

    override class func tearDown() {
        siteA.stop()
        siteB.stop()
        super.tearDown()
    }

    var env: [String: String] { InProcess.environment(home: Self.home) }

    func run(_ arguments: [String]) -> InProcess.Result { InProcess.run(arguments + ["--retries", "0"], env: env) }

    override func tearDownWithError() throws {
        XCTAssertEqual(try Self.siteA.answerViolations(), [])
        XCTAssertEqual(try Self.siteB.answerViolations(), [])
        try super.tearDownWithError()
    }

    func testListsFromEveryProfileGainAProfileColumn() {
        let csv = run(["users", "list", "--all", "-p", "site-a,site-b", "-o", "csv"])
        XCTAssertEqual(csv.code, 0, csv.stderr)
        let lines = csv.stdout.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("profile,id,") == true, String(lines.first ?? ""))
        // Another test may have deleted a user of each; count what each says alone.
        let counts = ["site-a", "site-b"].map { run(["users", "list", "--all", "-p", $0, "-q"]).stdout.split(separator: "\n").count }
        XCTAssertGreaterThan(counts[0], 200)
        XCTAssertEqual(lines.dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" },
                       Array(repeating: "site-a", count: counts[0]) + Array(repeating: "site-b", count: counts[1]),
                       "every record, in profile order, whichever answered first")

        let table = run(["users", "list", "--limit", "1", "-p", "site-a,site-b"])
        XCTAssertTrue(table.stdout.hasPrefix("PROFILE  ID"), table.stdout)
        let json = run(["users", "get", "1001", "-p", "site-a,site-b", "-o", "json", "--fields", "name,extension_number"])
        XCTAssertEqual(json.code, 0, json.stderr)
        let records = InProcess.json(json.stdout) as? [[String: Any]]
        XCTAssertEqual(records?.map { $0["profile"] as? String }, ["site-a", "site-b"])
        XCTAssertEqual(records?.first?.keys.sorted(), ["extension_number", "name", "profile"])
        XCTAssertTrue(json.stdout.contains("\"profile\": \"site-a\",\n    \"name\""), "profile comes first: \(json.stdout)")
    }

    func testGlobFailuresArePrefixedAndTheExitCodeIsTheWorstOutcome() {
        let glob = run(["users", "list", "--limit", "2", "-p", "site-*", "-o", "csv"])
        XCTAssertEqual(glob.code, 6, "some failed, some succeeded: \(glob.stderr)")
        XCTAssertEqual(glob.stdout.split(separator: "\n").count, 1 + 2 + 2)
        XCTAssertTrue(glob.stderr.contains("site-down: pbxctl: error: "), glob.stderr)
        XCTAssertFalse(glob.stderr.contains("site-chat"), "the glob leaves out profiles of another type: \(glob.stderr)")
        XCTAssertFalse(glob.stdout.contains("lab"), "and names it does not match")
        XCTAssertFalse(glob.stderr.contains("{\"error\""), "no JSON errors unless asked for: \(glob.stderr)")

        let jsonl = run(["users", "list", "--limit", "1", "-p", "site-*", "-o", "jsonl"])
        let error = jsonl.stderr.split(separator: "\n").first { $0.hasPrefix("{") }.flatMap { InProcess.json(String($0)) as? [String: Any] }
        XCTAssertEqual((error?["error"] as? [String: Any])?["profile"] as? String, "site-down", jsonl.stderr)

        let allDown = run(["users", "list", "-p", "site-down,site-down"])
        XCTAssertEqual(allDown.code, 5, "every profile failed alike")
        let unknown = run(["users", "list", "-p", "site-a,nosuch"])
        XCTAssertEqual(unknown.code, 2)
        XCTAssertEqual(unknown.stdout, "")
        XCTAssertEqual(run(["users", "list", "-p", "none-*"]).code, 2)
        XCTAssertEqual(run(["registration", "watch", "1001", "-p", "site-*"]).code, 2, "a watch takes one profile")
    }

    func testRegistrationCheckAcrossBackendsAndAsOneNagiosLine() {
        let check = run(["registration", "check", "1001", "-p", "site-a,site-b,site-chat"])
        XCTAssertEqual(check.code, 0, check.stderr)
        XCTAssertTrue(check.stderr.contains("site-chat: 1001 is registered"), check.stderr)
        XCTAssertEqual(run(["registration", "check", "1001", "-p", "site-*"]).code, 6, "site-down cannot tell")

        let ok = run(["registration", "check", "1001", "-p", "site-a,site-b,site-chat", "--nagios"])
        XCTAssertEqual(ok.code, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "REGISTRATION OK - site-a: 1001 registered from 192.0.2.1:5060 (Yealink SIP-T54W 96.86.0.30); "
            + "site-b: 1001 registered from 192.0.2.1:5060 (Yealink SIP-T54W 96.86.0.30); site-chat: 1001 registered (device state Not in use) "
            + "| 'site-a registrations'=1 'site-b registrations'=1 'site-chat registrations'=1\n")
        let critical = run(["registration", "check", "1002", "-p", "site-*", "--nagios"])
        XCTAssertEqual(critical.code, 2, "CRITICAL outranks UNKNOWN")
        XCTAssertEqual(critical.stdout.split(separator: "\n").count, 1)
        XCTAssertTrue(critical.stdout.hasPrefix("REGISTRATION CRITICAL - site-a: 1002 not registered; site-b: 1002 not registered; site-chat: 1002: "), critical.stdout)
        let mixed = run(["registration", "check", "1004", "-p", "site-a,lab"])
        XCTAssertEqual(mixed.code, 0)
        XCTAssertEqual(run(["registration", "check", "1002", "-p", "site-a,site-b"]).code, 7, "not registered anywhere is an answer, not a failure")
        let unknown = run(["registration", "check", "1001", "-p", "site-a,site-down", "--nagios"])
        XCTAssertEqual(unknown.code, 3)
        XCTAssertTrue(unknown.stdout.hasPrefix("REGISTRATION UNKNOWN - site-a: 1001 registered"), unknown.stdout)
    }

    /// A profile named in a list is taken as given: one of a type the command does not
    /// run on is a usage error before any profile is sent anything.
    func testANamedProfileOfTheWrongTypeStopsTheWholeList() throws {
        let before = try Self.siteA.requests().count
        let result = run(["users", "list", "--limit", "1", "-p", "site-a,site-chat"])
        XCTAssertEqual(result.code, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("profile 'site-chat' is a rocketchat profile, but 'pbxctl users list' needs a portsip one"), result.stderr)
        XCTAssertEqual(try Self.siteA.requests().count, before, "nothing was sent to site-a")
    }

    /// A check asked for JSON prints each profile's status as a record like any other.
    func testRegistrationChecksAsJSONAreRecordsWithTheirProfile() {
        let json = run(["registration", "check", "1001", "-p", "site-a,site-chat", "-o", "json"])
        XCTAssertEqual(json.code, 0, json.stderr)
        let records = InProcess.json(json.stdout) as? [[String: Any]]
        XCTAssertEqual(records?.map { $0["profile"] as? String }, ["site-a", "site-chat"], json.stdout)
        XCTAssertFalse(json.stdout.contains("my$up3erP@ssw0rd"), "secrets stay masked")
        XCTAssertEqual(run(["registration", "check", "1002", "-p", "site-a,site-b", "-o", "jsonl"]).code, 7, "the verdict still decides the code")
    }

    func testProfilesRefreshingTheirTokensTogetherKeepBothTokens() throws {
        let short = try InProcessSandbox(arguments: ["--token-ttl", "2"])
        defer { short.stop() }
        let env = InProcess.environment(home: InProcess.temporaryDirectory())
        for name in ["east", "west"] {
            InProcess.run(["config", "set", name, "--type", "portsip", "--url", short.baseURL + "/portsip", "username=admin"], env: env)
            XCTAssertEqual(InProcess.run(["login", "-p", name, "--password-stdin"], env: env, stdin: "sandbox\n").code, 0)
        }
        InProcess.clock.advance(by: 3)
        let first = InProcess.run(["users", "get", "1001", "-q", "-p", "east,west"], env: env)
        XCTAssertEqual(first.code, 0, "both refreshed: \(first.stderr)")
        InProcess.clock.advance(by: 3)
        let second = InProcess.run(["users", "get", "1001", "-q", "-p", "east,west"], env: env)
        XCTAssertEqual(second.code, 0, "each kept its new refresh token, neither saved over the other's: \(second.stderr)")
    }

    func testUsersDiffAcrossProfiles() throws {
        let roster = InProcess.temporaryDirectory() + "/roster.csv"
        XCTAssertTrue(FileManager.default.createFile(atPath: roster, contents: Data("extension_number,display_name\n1001,Alice Smith\n1002,Someone Else\n".utf8)))
        let text = run(["users", "diff", "-f", roster, "-p", "site-a,site-b"])
        XCTAssertEqual(text.code, 8, text.stderr)
        XCTAssertEqual(text.stdout, "# site-a\n~ 1002 display_name: \"Bob Smith\" → \"Someone Else\"\n# site-b\n~ 1002 display_name: \"Bob Smith\" → \"Someone Else\"\n")
        let records = run(["users", "diff", "-f", roster, "-p", "site-a,site-b", "-o", "jsonl"])
        XCTAssertEqual(records.stdout.split(separator: "\n").compactMap { (InProcess.json(String($0)) as? [String: Any])?["profile"] as? String }, ["site-a", "site-b"])
    }

    func testChangesOnSeveralProfilesNeedYes() throws {
        let before = (try Self.siteA.stats().operations, try Self.siteB.stats().operations)
        let refused = run(["users", "delete", "1005", "-p", "site-a,site-b"])
        XCTAssertEqual(refused.code, 2)
        XCTAssertTrue(refused.stderr.contains("needs --yes"), refused.stderr)
        XCTAssertEqual(try Self.siteA.stats().operations, before.0, "nothing was sent")
        XCTAssertEqual(try Self.siteB.stats().operations, before.1)
        let read = run(["api", "/users", "-f", "top=1", "-X", "GET", "-p", "site-a,site-b"])
        XCTAssertEqual(read.code, 0, "a GET through api only reads: \(read.stderr)")

        let dry = run(["users", "delete", "1005", "-p", "site-a,site-b", "--dry-run"])
        XCTAssertEqual(dry.code, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.hasPrefix("# site-a\n# 1005 is an extension number"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("# site-b\n# 1005 is an extension number"), dry.stdout)
        XCTAssertEqual(try Self.siteA.stats().operations["deleteUser"], before.0["deleteUser"], "a dry run sends nothing")

        let deleted = run(["users", "delete", "1005", "-p", "site-a,site-b", "--yes"])
        XCTAssertEqual(deleted.code, 0, deleted.stderr)
        XCTAssertEqual(run(["users", "get", "1005", "-p", "site-a"]).code, 4)
        XCTAssertEqual(run(["users", "get", "1005", "-p", "site-b"]).code, 4)
    }
}
