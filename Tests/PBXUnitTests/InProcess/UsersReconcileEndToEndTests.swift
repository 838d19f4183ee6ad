import Foundation
import XCTest

/// `users diff` and `users apply` against a fresh sandbox of 8 users per test
/// (1001-1008; groups Sales, Support, Engineering hold 1001/1006, 1002/1007, 1003/1008);
/// an apply stopped by Ctrl-C: PBXEndToEndTests.
final class UsersReconcileEndToEndTests: XCTestCase {
    var sandbox: InProcessSandbox!
    var dir = ""

    override func setUpWithError() throws {
        sandbox = try InProcessSandbox(arguments: ["--users", "8"])
        dir = InProcess.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        XCTAssertEqual(try sandbox.answerViolations(), [])
        sandbox.stop()
    }

    var env: [String: String] { sandbox.env() }

    func write(_ name: String, _ text: String) -> String {
        let path = dir + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        return path
    }

    /// Operations that change something, by operationId, served so far.
    func writes() throws -> [String: Int] {
        try sandbox.stats().operations.filter { !$0.key.hasPrefix("list") && !$0.key.hasPrefix("show") && !$0.key.hasPrefix("get") }
    }

    func testExportedRosterMatchesAndDriftExits8() throws {
        let roster = write("roster.csv", InProcess.run(["users", "export", "-o", "csv"], env: env).stdout)
        let same = InProcess.run(["users", "diff", "-f", roster], env: env)
        XCTAssertEqual(same.code, 0, same.stderr)
        XCTAssertEqual(same.stdout, "")
        XCTAssertEqual(InProcess.run(["users", "update", "1002", "--display-name", "Robert"], env: env).code, 0)
        let drift = InProcess.run(["users", "diff", "-f", roster], env: env)
        XCTAssertEqual(drift.code, 8, drift.stderr)
        XCTAssertEqual(drift.stdout, "~ 1002 display_name: \"Robert\" → \"Bob Smith\"\n")
        let json = InProcess.run(["users", "diff", "-f", roster, "-o", "json"], env: env)
        XCTAssertEqual(json.code, 8)
        let records = try XCTUnwrap(InProcess.json(json.stdout) as? [[String: Any]])
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0]["action"] as? String, "update")
        XCTAssertEqual(records[0]["from"] as? String, "Robert")
        XCTAssertEqual(records[0]["to"] as? String, "Bob Smith")
        XCTAssertEqual(try writes()["updateUser"], 1, "diff only reads")
    }

    func testApplyCreatesUpdatesRolesGroupsAndTheSecondApplyWritesNothing() throws {
        let roster = write("roster.csv", """
            name,display_name,email,role,extension_number,groups
            alice.smith,Alice S.,alice.smith@sandbox.example.com,Admin,1001,Support
            bob.smith,Bob Smith,bob.smith@sandbox.example.com,Admin,1002,
            new.person,New Person,new.person@sandbox.example.com,StandardUser,1101,Engineering;Sales

            """)
        let plan = InProcess.run(["users", "diff", "-f", roster], env: env)
        XCTAssertEqual(plan.code, 8, plan.stderr)
        XCTAssertEqual(plan.stdout, """
            ~ 1001 display_name: "Alice Smith" → "Alice S."
            ~ 1001 groups: + "Support"
            ~ 1001 groups: - "Sales"
            ~ 1002 role: "StandardUser" → "Admin"
            + 1101 create name="new.person" display_name="New Person" email="new.person@sandbox.example.com" role="StandardUser" extension_number="1101"
            ~ 1101 groups: + "Engineering"
            ~ 1101 groups: + "Sales"

            """)
        let refused = InProcess.run(["users", "apply", "-f", roster], env: env)
        XCTAssertEqual(refused.code, 2, "not on a terminal and no --yes")
        let missingSecrets = InProcess.run(["users", "apply", "-f", roster, "--yes"], env: env)
        XCTAssertEqual(missingSecrets.code, 2, "a create needs its secrets")
        XCTAssertTrue(missingSecrets.stderr.contains("--generate-secrets"), missingSecrets.stderr)
        let dry = InProcess.run(["users", "apply", "-f", roster, "--dry-run", "--generate-secrets"], env: env)
        XCTAssertEqual(dry.code, 8, dry.stderr)
        XCTAssertEqual(dry.stdout, plan.stdout)
        XCTAssertEqual(try writes(), [:], "nothing changed yet")

        let applied = InProcess.run(["users", "apply", "-f", roster, "--yes", "--generate-secrets"], env: env)
        XCTAssertEqual(applied.code, 0, applied.stderr)
        XCTAssertTrue(applied.stderr.contains("applied 7, failed 0, conflicts 0"), applied.stderr)
        XCTAssertFalse(applied.stdout.contains("password"), "secrets are never shown")
        let written = try writes()
        XCTAssertEqual(written, ["updateUser": 1, "changeUserRole": 1, "createUser": 1, "createUserGroupMember": 3, "deleteUserGroupMember": 1])
        let user = try XCTUnwrap(InProcess.json(InProcess.run(["users", "get", "1002", "-o", "json"], env: env).stdout) as? [String: Any])
        XCTAssertEqual(user["role"] as? String, "Admin")

        let again = InProcess.run(["users", "apply", "-f", roster, "--yes", "--generate-secrets"], env: env)
        XCTAssertEqual(again.code, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("nothing to do"), again.stderr)
        XCTAssertEqual(try writes(), written, "the same file twice: zero writes the second time")
        XCTAssertEqual(InProcess.run(["users", "diff", "-f", roster], env: env).code, 0)
    }

    func testConflictsAreReportedNeverIgnored() throws {
        let roster = write("roster.jsonl", """
            {"name": "carol.renamed", "extension_number": "1003", "display_name": "Carol Smith"}
            {"name": "dave.smith", "extension_number": "1004", "groups": ["Nope"]}

            """)
        let diff = InProcess.run(["users", "diff", "-f", roster], env: env)
        XCTAssertEqual(diff.code, 8)
        XCTAssertEqual(diff.stdout, """
            ! 1003 name: "carol.smith" → "carol.renamed" (cannot be changed after creation)
            ! 1004 groups: + "Nope" (no group named Nope on the PBX)

            """)
        let apply = InProcess.run(["users", "apply", "-f", roster], env: env)
        XCTAssertEqual(apply.code, 6, "conflicts remain: \(apply.stderr)")
        XCTAssertTrue(apply.stderr.contains("conflict: ! 1003 name"), apply.stderr)
        XCTAssertEqual(try writes(), [:])
    }

    func testPruneDeletesWithinAShareUnlessForced() throws {
        let export = InProcess.run(["users", "export", "-o", "csv"], env: env).stdout
        let lines = export.split(separator: "\n")
        let sevenOfEight = write("seven.csv", (lines.dropLast().joined(separator: "\n")) + "\n")
        let diff = InProcess.run(["users", "diff", "-f", sevenOfEight, "--prune"], env: env)
        XCTAssertEqual(diff.code, 8)
        XCTAssertEqual(diff.stdout, "- 1008 delete \"heidi.smith\"\n")
        XCTAssertEqual(InProcess.run(["users", "diff", "-f", sevenOfEight], env: env).code, 0, "without --prune, users missing from the file stay")
        XCTAssertEqual(InProcess.run(["users", "apply", "-f", sevenOfEight, "--prune", "--yes"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "get", "1008"], env: env).code, 4)

        let twoOfSeven = write("two.csv", lines.prefix(3).joined(separator: "\n") + "\n")
        let refused = InProcess.run(["users", "apply", "-f", twoOfSeven, "--prune", "--yes"], env: env)
        XCTAssertEqual(refused.code, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("would delete 5 of the PBX's 7 users"), refused.stderr)
        XCTAssertEqual(try writes()["deleteUser"], 1, "nothing more was deleted")
        XCTAssertEqual(InProcess.run(["users", "apply", "-f", twoOfSeven, "--prune", "--yes", "--force"], env: env).code, 0)
        XCTAssertEqual(InProcess.run(["users", "list", "-q"], env: env).stdout.split(separator: "\n").count, 2)
    }

    func testBadRostersAreRefusedBeforeAnythingIsSent() throws {
        let duplicate = write("dup.csv", "name,extension_number\na.one,1001\na.two,1001\n")
        let noExtension = write("noext.csv", "name,display_name\na.one,A\n")
        let unknownField = write("field.csv", "extension_number,colour\n1001,blue\n")
        for (file, text) in [(duplicate, "also on line 2"), (noExtension, "matched by it"), (unknownField, "colour is not a field")] {
            let result = InProcess.run(["users", "diff", "-f", file], env: env)
            XCTAssertEqual(result.code, 2, result.stderr)
            XCTAssertTrue(result.stderr.contains(text), result.stderr)
        }
        XCTAssertEqual(InProcess.run(["users", "apply"], env: env).code, 2, "-f is needed")
        XCTAssertEqual(try sandbox.stats().operations["listUsers"] ?? 0, 0, "nothing was read either")
    }
}
