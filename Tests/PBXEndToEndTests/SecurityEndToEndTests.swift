import Foundation
import XCTest

/// What pbxctl does with a hostile server's data: where credentials go, what is saved.
final class SecurityEndToEndTests: XCTestCase {
    func testCredentialsNeverGoToAnotherOrigin() throws {
        let foreign = try SandboxProcess()
        defer { foreign.stop() }
        let pbx = try SandboxProcess(arguments: ["--hostile", "file-url=" + foreign.baseURL + "/portsip"])
        defer { pbx.stop() }
        let dir = PBX.temporaryDirectory()
        let result = PBX.run(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav", "-v"], env: pbx.env())
        XCTAssertTrue(result.stderr.contains("fetched without the profile's credentials"), result.stderr)
        let seen = try foreign.requests()
        XCTAssertEqual(seen.map(\.target), ["GET /portsip/api/blobs/sha256-admin-0"], "the foreign host was asked for the file")
        XCTAssertEqual(seen.map(\.credentials), [false], "and got no credentials")
        let foreignTrace = result.stderr.components(separatedBy: "> GET ").first { $0.hasPrefix(foreign.baseURL) } ?? ""
        XCTAssertFalse(foreignTrace.isEmpty, result.stderr)
        XCTAssertFalse(foreignTrace.contains("Authorization"), foreignTrace)
        // The foreign host does not have the file: its error, nothing saved.
        XCTAssertEqual(result.code, 4, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r.wav"))
        XCTAssertEqual(try pbx.requests().map(\.credentials), [true], "the profile's own server got them")
    }

    func testCredentialsGoToTheProfilesOwnOriginInAnAbsoluteURL() throws {
        let pbx = try SandboxProcess(arguments: ["--hostile", "file-url=self"])
        defer { pbx.stop() }
        let dir = PBX.temporaryDirectory()
        let result = PBX.run(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav"], env: pbx.env())
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(try pbx.requests().map(\.credentials), [true, true])
    }
}
