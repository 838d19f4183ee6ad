import Foundation
import XCTest

/// The sandbox's own profiles work as written: `--write-config` is a sandbox process
/// writing a config another process then reads (the rest of ProfileChoice runs in-process).
final class ProfileChoiceEndToEndTests: XCTestCase {
    func testTheSandboxRocketChatProfileWorksAsWritten() throws {
        let env = PBX.environment(home: PBX.temporaryDirectory())
        let inProcess = PBX.run(["--sandbox", "registration", "get"], env: env)
        XCTAssertEqual(inProcess.code, 0, inProcess.stderr)
        let home = PBX.environment(home: PBX.temporaryDirectory())
        let write = try SandboxProcess(arguments: ["--write-config"], environment: home)
        defer { write.stop() }
        let get = PBX.run(["-p", "sandbox-rocketchat", "registration", "get"], env: home)
        XCTAssertEqual(get.code, 0, get.stderr)
        XCTAssertEqual(PBX.run(["logout", "-p", "sandbox-rocketchat"], env: home).code, 0)
        let login = PBX.run(["login", "-p", "sandbox-rocketchat", "--password-stdin"], env: home, stdin: "sandbox\n")
        XCTAssertEqual(login.code, 0, login.stderr)
        XCTAssertEqual(PBX.run(["-p", "sandbox-rocketchat", "registration", "get"], env: home).code, 0)
    }
}
