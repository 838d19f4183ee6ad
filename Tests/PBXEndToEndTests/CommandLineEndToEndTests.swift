import Foundation
import XCTest

/// The command line as an admin writing scripts types it: bundled flags, typos, and
/// the errors that tell what to type instead.
final class CommandLineEndToEndTests: SandboxTestCase {
    func testBundledShortFlagsTakeTheNextWordAsTheLastOnesValue() throws {
        let bundled = PBX.run(["users", "list", "--limit", "2", "-qo", "json"], env: env)
        XCTAssertEqual(bundled.code, 0, bundled.stderr)
        XCTAssertEqual(bundled.stdout.split(separator: "\n").count, 2, "quiet: one ID per line")
        let attached = PBX.run(["users", "list", "--limit", "2", "-qojson"], env: env)
        XCTAssertEqual(attached.stdout, bundled.stdout)
        let json = PBX.run(["users", "get", "1001", "-vo", "json"], env: env)
        XCTAssertEqual(json.code, 0, json.stderr)
        XCTAssertEqual((PBX.json(json.stdout) as? [String: Any])?["extension_number"] as? String, "1001")
    }

    func testAnUnknownFlagIsNamedAsAFlagWithTheNearestOne() {
        for words in [["users", "list", "--outptu", "json"], ["--outptu", "json", "users", "list"], ["users", "--outptu", "json", "list"]] {
            let result = PBX.run(words, env: env)
            XCTAssertEqual(result.code, 2, words.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains("unknown flag --outptu; did you mean --output?"), result.stderr)
            XCTAssertFalse(result.stderr.contains("unknown command"), result.stderr)
        }
    }
}
