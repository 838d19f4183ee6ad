import Foundation
import XCTest
import PBXCLI
@testable import PBXEngine
import PBXClient

/// Commands against canned answers: the stub fails a test on a request it did not
/// expect and on an expected one that never came.
final class StubTransportTests: XCTestCase {
    let env = ["HOME": "/nonexistent", "PBXCTL_URL": "http://pbx.test", "PBXCTL_TOKEN": "t"]

    func run(_ arguments: [String], _ stub: StubTransport, clock: Clock = SystemClock()) -> (code: Int32, stdout: String, stderr: String) {
        let out = StringSink(), err = StringSink()
        let code = PBXCLI.run(arguments, io: IOContext(stdout: out, stderr: err, environment: env), transport: { _ in stub }, clock: clock)
        return (code, out.text, err.text)
    }

    func testUsersGetByExtensionLooksUpThenFetches() {
        let stub = StubTransport.verified(by: self)
        stub.register("GET", "/api/users", query: ["filter": "extension_number eq '1001'"],
                      json: #"{"count":1,"items":[{"id":"u-1","name":"alice","extension_number":"1001"}]}"#)
        stub.register("GET", "/api/users/u-1", json: #"{"id":"u-1","name":"alice","extension_number":"1001"}"#)
        let result = run(["users", "get", "1001", "-q"], stub)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(result.stdout, "u-1\n")
    }

    func testA429IsRetriedAfterItsRetryAfterOnTheClock() {
        let stub = StubTransport.verified(by: self)
        let clock = ManualClock()
        stub.register("DELETE", "/api/users/u-9", status: 429, json: #"{"errors":[{"code":"TOO_MANY_REQUESTS","message":"slow down"}]}"#, headers: [("Retry-After", "9")])
        stub.register("DELETE", "/api/users/u-9", status: 204, json: "")
        let result = run(["api", "-X", "DELETE", "/users/u-9"], stub, clock: clock)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(clock.slept, 9, accuracy: 0.001)
    }

    func testAnUnusedRegistrationAndAnUnexpectedRequestAreReported() {
        let stub = StubTransport()
        stub.register("GET", "/api/roles")
        stub.register("POST", "/api/users", body: { $0.contains(#""name":"bob""#) })
        let result = run(["api", "-X", "POST", "/users", "-f", "name=carol"], stub)
        XCTAssertNotEqual(result.code, 0, "a request nothing was registered for fails")
        XCTAssertEqual(stub.unexpected, ["POST /api/users"], "the body matcher refused carol")
        XCTAssertEqual(stub.unmet.map { $0.method + " " + $0.path }, ["GET /api/roles", "POST /api/users"])
    }
}
