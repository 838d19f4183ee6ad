import Foundation
import XCTest

/// Which profile a command talks to is never a guess: a profile named in the
/// environment must exist, an ambiguous PortSIP choice never falls through to another
/// backend (the sandbox's own profiles: PBXEndToEndTests).
final class ProfileChoiceEndToEndTests: XCTestCase {
    func configured(_ profiles: [(String, String)]) -> [String: String] {
        let env = InProcess.environment(home: InProcess.temporaryDirectory())
        for (name, type) in profiles {
            let secret = type == "portsip" ? ["token=t"] : type == "commpeak" ? ["password=p"] : []
            let set = InProcess.run(["config", "set", name, "--type", type, "--url", InProcess.closedURL, "username=u"] + secret, env: env)
            XCTAssertEqual(set.code, 0, set.stderr)
        }
        return env
    }

    func testAProfileNamedInTheEnvironmentMustExist() {
        let env = configured([("prod", "portsip")])
        let typo = InProcess.run(["roles", "list"], env: env.merging(["PBXCTL_PROFILE": "prdo"]) { $1 })
        XCTAssertEqual(typo.code, 2, "a typo never falls back to another profile: \(typo.stderr)")
        XCTAssertTrue(typo.stderr.contains("PBXCTL_PROFILE") && typo.stderr.contains("prod"), typo.stderr)
        // A profile of another type is skipped: one variable serves commands of every backend.
        let other = configured([("prod", "portsip"), ("chat", "rocketchat")])
        XCTAssertEqual(InProcess.run(["roles", "list"], env: other.merging(["PBXCTL_PROFILE": "chat"]) { $1 }).code, 5, "sent to prod (closed port)")
    }

    func testAnAmbiguousPortSIPChoiceNeverGoesToCommPeak() {
        let env = configured([("a", "portsip"), ("b", "portsip"), ("dialer", "commpeak")])
        let get = InProcess.run(["users", "get", "1"], env: env)
        XCTAssertEqual(get.code, 2, get.stderr)
        XCTAssertTrue(get.stderr.contains("several portsip profiles"), get.stderr)
        let only = configured([("dialer", "commpeak")])
        XCTAssertEqual(InProcess.run(["users", "get", "1"], env: only).code, 5, "the only backend that serves it is used")
    }

    func testProfileNamesStartWithALetterOrDigitAndTypeIsNotOverridden() {
        let env = configured([])
        for name in ["-x", "--sandbox", ".hidden"] {
            let set = InProcess.run(["config", "set", "--type", "portsip", "--url", InProcess.closedURL, "--", name], env: env)
            XCTAssertEqual(set.code, 2, "\(name): \(set.stderr)")
        }
        let conflict = InProcess.run(["config", "set", "p", "--type", "portsip", "--url", InProcess.closedURL, "type=rocketchat"], env: env)
        XCTAssertEqual(conflict.code, 2, conflict.stderr)
        let badURL = InProcess.run(["config", "set", "p", "--type", "portsip", "url=ftp://x"], env: env)
        XCTAssertEqual(badURL.code, 2, badURL.stderr)
        XCTAssertFalse(InProcess.run(["config", "list"], env: env).stdout.contains("p "), "nothing was written")
    }
}
