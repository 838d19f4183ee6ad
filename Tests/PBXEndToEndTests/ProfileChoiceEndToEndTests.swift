import Foundation
import XCTest

/// Which profile a command talks to is never a guess: a profile named in the
/// environment must exist, an ambiguous PortSIP choice never falls through to another
/// backend, and the sandbox's own profiles work as written.
final class ProfileChoiceEndToEndTests: XCTestCase {
    func configured(_ profiles: [(String, String)]) -> [String: String] {
        let env = PBX.environment(home: PBX.temporaryDirectory())
        for (name, type) in profiles {
            let secret = type == "portsip" ? ["token=t"] : type == "commpeak" ? ["password=p"] : []
            let set = PBX.run(["config", "set", name, "--type", type, "--url", PBX.closedURL, "username=u"] + secret, env: env)
            XCTAssertEqual(set.code, 0, set.stderr)
        }
        return env
    }

    func testAProfileNamedInTheEnvironmentMustExist() {
        let env = configured([("prod", "portsip")])
        let typo = PBX.run(["roles", "list"], env: env.merging(["PBXCTL_PROFILE": "prdo"]) { $1 })
        XCTAssertEqual(typo.code, 2, "a typo never falls back to another profile: \(typo.stderr)")
        XCTAssertTrue(typo.stderr.contains("PBXCTL_PROFILE") && typo.stderr.contains("prod"), typo.stderr)
        // A profile of another type is skipped: one variable serves commands of every backend.
        let other = configured([("prod", "portsip"), ("chat", "rocketchat")])
        XCTAssertEqual(PBX.run(["roles", "list"], env: other.merging(["PBXCTL_PROFILE": "chat"]) { $1 }).code, 5, "sent to prod (closed port)")
    }

    func testAnAmbiguousPortSIPChoiceNeverGoesToCommPeak() {
        let env = configured([("a", "portsip"), ("b", "portsip"), ("dialer", "commpeak")])
        let get = PBX.run(["users", "get", "1"], env: env)
        XCTAssertEqual(get.code, 2, get.stderr)
        XCTAssertTrue(get.stderr.contains("several portsip profiles"), get.stderr)
        let only = configured([("dialer", "commpeak")])
        XCTAssertEqual(PBX.run(["users", "get", "1"], env: only).code, 5, "the only backend that serves it is used")
    }

    func testProfileNamesStartWithALetterOrDigitAndTypeIsNotOverridden() {
        let env = configured([])
        for name in ["-x", "--sandbox", ".hidden"] {
            let set = PBX.run(["config", "set", "--type", "portsip", "--url", PBX.closedURL, "--", name], env: env)
            XCTAssertEqual(set.code, 2, "\(name): \(set.stderr)")
        }
        let conflict = PBX.run(["config", "set", "p", "--type", "portsip", "--url", PBX.closedURL, "type=rocketchat"], env: env)
        XCTAssertEqual(conflict.code, 2, conflict.stderr)
        let badURL = PBX.run(["config", "set", "p", "--type", "portsip", "url=ftp://x"], env: env)
        XCTAssertEqual(badURL.code, 2, badURL.stderr)
        XCTAssertFalse(PBX.run(["config", "list"], env: env).stdout.contains("p "), "nothing was written")
    }

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
