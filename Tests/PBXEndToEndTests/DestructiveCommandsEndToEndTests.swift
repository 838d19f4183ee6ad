import Foundation
import XCTest

/// Commands that delete or replace ask on a terminal (script(1)) and refuse without
/// --yes otherwise.
final class DestructiveCommandsEndToEndTests: XCTestCase {
    func profileEnv() -> [String: String] {
        let env = PBX.environment(home: PBX.temporaryDirectory())
        XCTAssertEqual(PBX.run(["config", "set", "old", "--type", "portsip", "--url", "http://127.0.0.1:9"], env: env).code, 0)
        return env
    }

    func testConfigDeleteAsksOnATerminalAndNeedsYesOtherwise() {
        let env = profileEnv()
        let piped = PBX.run(["config", "delete", "old"], env: env)
        XCTAssertEqual(piped.code, 2)
        XCTAssertTrue(piped.stderr.contains("refusing without --yes when not on a terminal"), piped.stderr)
        XCTAssertEqual(PBX.run(["config", "list", "-q"], env: env).stdout, "old\n")

        let declined = PBX.runInTerminal(["config", "delete", "old"], env: env, input: "n\n")
        XCTAssertTrue(declined.stdout.contains("Delete profile old and its credentials? [y/N]"), declined.stdout)
        XCTAssertEqual(declined.code, 2, declined.stdout)
        XCTAssertEqual(PBX.run(["config", "list", "-q"], env: env).stdout, "old\n")

        let accepted = PBX.runInTerminal(["config", "delete", "old"], env: env, input: "y\n")
        XCTAssertEqual(accepted.code, 0, accepted.stdout)
        XCTAssertEqual(PBX.run(["config", "list", "-q"], env: env).stdout, "")

        let again = profileEnv()
        XCTAssertEqual(PBX.run(["config", "delete", "old", "--yes"], env: again).code, 0)
    }

    func testCallbackNumbersSetAndRemoveNeedConfirmation() throws {
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let base = sandbox.baseURL + "/vonage"
        let env = PBX.environment(home: sandbox.home, extra: [
            "PBXCTL_VONAGE_URL": base + "/useradmin", "PBXCTL_VONAGE_TOKEN_URL": base + "/Auth/connect/token",
            "PBXCTL_VONAGE_CLIENT_ID": "sandbox-client", "PBXCTL_VONAGE_CLIENT_SECRET": "sandbox-secret",
        ])
        let list = { PBX.run(["callback-numbers", "list", "--user", "agent-2", "-q", "--all"], env: env).stdout }
        let before = list()
        XCTAssertFalse(before.isEmpty)
        for words in [["callback-numbers", "set", "agent-2", "cbn-010"], ["callback-numbers", "remove", "agent-2", String(before.split(separator: "\n")[0])]] {
            let refused = PBX.run(words, env: env)
            XCTAssertEqual(refused.code, 2, words.joined(separator: " "))
            XCTAssertTrue(refused.stderr.contains("refusing without --yes"), refused.stderr)
            XCTAssertEqual(list(), before, "nothing changed")
        }
        let asked = PBX.runInTerminal(["callback-numbers", "set", "agent-2", "cbn-010"], env: env, input: "y\n")
        XCTAssertEqual(asked.code, 0, asked.stdout)
        XCTAssertTrue(asked.stdout.contains("Replace every callback number of agent-2 with this one? [y/N]"), asked.stdout)
        XCTAssertEqual(list(), "cbn-010\n")
        XCTAssertEqual(PBX.run(["callback-numbers", "remove", "agent-2", "cbn-010", "--yes"], env: env).code, 0)
        XCTAssertEqual(list(), "")
    }
}
