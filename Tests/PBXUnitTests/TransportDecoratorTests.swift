import Foundation
import XCTest
import PBXCLI
@testable import PBXEngine
import PBXClient

/// `--dry-run` and `-v` are transports around the wire: a dry run reaches no wire at
/// all, and a trace shows the request and answer the wire saw.
final class TransportDecoratorTests: XCTestCase {
    let env = ["HOME": "/nonexistent", "PBXCTL_URL": "http://pbx.test", "PBXCTL_TOKEN": "tok-secret"]

    func run(_ arguments: [String], _ stub: StubTransport) -> (code: Int32, stdout: String, stderr: String) {
        let out = StringSink(), err = StringSink()
        let code = PBXCLI.run(arguments, io: IOContext(stdout: out, stderr: err, environment: env), transport: { _ in stub }, clock: ManualClock())
        return (code, out.text, err.text)
    }

    func testADryRunSendsNothingAndPrintsTheCurlLine() {
        // No registration: any request that reached the wire would fail the test.
        let stub = StubTransport.verified(by: self)
        let result = run(["users", "delete", "u-1", "--dry-run"], stub)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("curl -sS -X POST"), result.stdout)
        XCTAssertTrue(result.stdout.contains("/api/users/u-1/destroy"), result.stdout)
        XCTAssertTrue(result.stdout.contains("$PBXCTL_TOKEN"), "the token is its variable: \(result.stdout)")
        XCTAssertFalse(result.stdout.contains("tok-secret"))
    }

    func testVerboseTracesWhatTheWireSawWithTheTokenRedacted() {
        let stub = StubTransport.verified(by: self)
        stub.register("GET", "/api/roles", json: #"{"count":1,"items":[{"id":"r-1","name":"StandardUser"}]}"#)
        let result = run(["roles", "list", "-q", "-v"], stub)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(result.stdout, "StandardUser\n", "roles are named by name")
        XCTAssertTrue(result.stderr.contains("> GET http://pbx.test/api/roles"), result.stderr)
        XCTAssertTrue(result.stderr.contains("< 200 ("), result.stderr)
        XCTAssertFalse(result.stderr.contains("tok-secret"), result.stderr)
    }

    func testTheDecoratorsAreChosenByTheSettings() {
        let wire = StubTransport()
        let connection = Connection(backend: "portsip", baseURL: "http://pbx.test/api", auth: .bearer("t"))
        let plain = APIClient(connection: connection, transport: wire, settings: ClientSettings(), stdout: { _ in }, stderr: { _ in })
        XCTAssertTrue(plain.transport is StubTransport)
        let traced = APIClient(connection: connection, transport: wire, settings: ClientSettings(verbose: true), stdout: { _ in }, stderr: { _ in })
        XCTAssertTrue(traced.transport is TracingTransport)
        let dry = APIClient(connection: connection, transport: wire, settings: ClientSettings(verbose: true, dryRun: true), stdout: { _ in }, stderr: { _ in })
        XCTAssertTrue(dry.transport is DryRunTransport)
        XCTAssertTrue(dry.wire is StubTransport)
    }
}
