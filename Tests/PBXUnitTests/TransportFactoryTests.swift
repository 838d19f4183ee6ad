import Foundation
import XCTest
import PBXCLI
@testable import PBXEngine
import PBXClient

/// `PBXCLI.run` sends through the transport its caller makes, built from the global flags.
final class TransportFactoryTests: XCTestCase {
    final class Recorder: Transport, @unchecked Sendable {
        let lock = NSLock()
        var options: [TransportOptions] = []
        var requests: [String] = []
        func send(_ request: HTTPRequest) throws -> HTTPResponse {
            lock.withLock { requests.append(request.method + " " + request.url) }
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(#"{"id":"7","name":"x"}"#.utf8))
        }
        func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse { try send(request) }
    }

    func testRunSendsThroughTheGivenTransportMadeFromTheFlags() {
        let recorder = Recorder()
        let out = StringSink(), err = StringSink()
        let io = IOContext(stdout: out, stderr: err, environment: ["HOME": "/nonexistent", "PBXCTL_URL": "http://pbx.test", "PBXCTL_TOKEN": "t"])
        let code = PBXCLI.run(["api", "/users/7", "--timeout", "7", "--max-time", "60"], io: io, transport: { options in
            recorder.lock.withLock { recorder.options.append(options) }
            return recorder
        }, clock: ManualClock(start: Date(timeIntervalSince1970: 1_000)))
        XCTAssertEqual(code, 0, err.text)
        XCTAssertEqual(recorder.requests, ["GET http://pbx.test/api/users/7"])
        XCTAssertEqual(recorder.options.map(\.timeout), [7])
        XCTAssertEqual(recorder.options.first?.deadline, Date(timeIntervalSince1970: 1_060), "--max-time counts from the clock's start of the run")
    }
}
