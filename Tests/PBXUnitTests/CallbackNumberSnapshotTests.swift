import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXClient

/// The last check before `callback-numbers add/remove` replaces a user's list.
final class CallbackNumberSnapshotTests: XCTestCase {
    func testOnlyTheNamedNumbersMayGo() {
        XCTAssertNoThrow(try CallbackNumberSnapshot.checkOnlyRequestedRemoved(before: ["a", "b", "c"], after: ["a", "c"], removable: ["b"]))
        XCTAssertNoThrow(try CallbackNumberSnapshot.checkOnlyRequestedRemoved(before: ["a"], after: ["a", "d"], removable: []))
        XCTAssertThrowsError(try CallbackNumberSnapshot.checkOnlyRequestedRemoved(before: ["a", "b", "c"], after: ["a"], removable: ["b"])) { error in
            XCTAssertEqual((error as? APIError)?.message, "refusing to write a list that would drop \"c\", not named on the command line; nothing was written")
        }
        XCTAssertThrowsError(try CallbackNumberSnapshot.checkOnlyRequestedRemoved(before: ["a", "b"], after: ["a", "b", "a"], removable: []), "no repeats")
    }

    func testServerIDsInMessagesAreEscapedAndBounded() {
        XCTAssertEqual(CallbackNumberSnapshot.shown("cbn\u{1B}[2J\n"), #""cbn\u001b[2J\n""#)
        XCTAssertEqual(CallbackNumberSnapshot.shown(String(repeating: "x", count: 500)).count, 64 + 3)
    }
}
