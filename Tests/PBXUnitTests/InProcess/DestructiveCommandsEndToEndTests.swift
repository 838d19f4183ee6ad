import Foundation
import XCTest

/// `config set` refuses secrets a profile would never read (the terminal questions of
/// destructive commands: PBXEndToEndTests).
final class DestructiveCommandsEndToEndTests: XCTestCase {
    func testConfigSetRefusesSecretsTheProfileNeverReads() throws {
        let home = InProcess.temporaryDirectory()
        let env = InProcess.environment(home: home)
        let result = InProcess.run(["config", "set", "prod", "--type", "portsip", "--url", "https://pbx.example.com", "password=hunter2"], env: env)
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.stderr.contains("portsip profiles never use 'password'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("pbxctl login -p prod"), result.stderr)
        XCTAssertTrue(result.stderr.contains("credentials file " + home + "/.config/pbxctl/credentials"), result.stderr)
        XCTAssertFalse(result.stderr.contains("hunter2"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/.config/pbxctl/credentials"))
        XCTAssertEqual(InProcess.run(["config", "list", "-q"], env: env).stdout, "", "nothing was written")
        let chat = InProcess.run(["config", "set", "chat", "--type", "rocketchat", "--url", "https://chat.example.com", "user_id=u", "client_secret=s"], env: env)
        XCTAssertEqual(chat.code, 2)
        XCTAssertTrue(chat.stderr.contains("(auth_token, jwt_secret)"), chat.stderr)
        let accepted = InProcess.run(["config", "set", "chat", "--type", "rocketchat", "--url", "https://chat.example.com", "user_id=u", "auth_token=t"], env: env)
        XCTAssertEqual(accepted.code, 0)
        XCTAssertTrue(accepted.stderr.contains("warning: auth_token given on the command line is visible to other users (ps)"), accepted.stderr)
    }
}
