import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXJSON

final class NewestRecordsTests: XCTestCase {
    func call(_ id: Int, _ started: String?) -> JSON {
        var object = JSONObject([("id", .int(id))])
        if let started { object["started_at"] = .string(started) }
        return .object(object)
    }

    func testKeepsOnlyTheNewestNewestFirstWhateverTheOrder() {
        var newest = NewestRecords(capacity: 3)
        // Out of order, with a tie and records without a readable time.
        let times = ["2026-01-05T00:00:00Z", "2026-01-01T00:00:00Z", nil, "2026-01-09T00:00:00Z", "garbage", "2026-01-07T00:00:00Z",
                     "2026-01-09T00:00:00Z", "2026-01-02T00:00:00Z"]
        for (index, time) in times.enumerated() {
            newest.offer(call(index, time))
            XCTAssertLessThanOrEqual(newest.items.count, 3, "never holds more than N")
        }
        XCTAssertEqual(newest.records.map { $0["id"]?.intValue }, [6, 3, 5], "of two at the same time, the later in the list is newer")
    }

    func testRecordsWithoutATimeFillOnlyWhenNothingElseDoes() {
        var newest = NewestRecords(capacity: 2)
        newest.offer(call(1, nil))
        newest.offer(call(2, "2026-01-01T00:00:00Z"))
        newest.offer(call(3, nil))
        XCTAssertEqual(newest.records.map { $0["id"]?.intValue }, [2, 3])
    }

    func testFilterTimes() throws {
        XCTAssertEqual(try CDRFilter.time("2026-11-22", flag: "until", endOfDay: true), try CDRFilter.time("2026-11-23T00:00:00Z", flag: "until", endOfDay: true))
        XCTAssertEqual(try CDRFilter.time("2026-11-22", flag: "since", endOfDay: false), try CDRFilter.time("2026-11-22T01:00:00+01:00", flag: "since", endOfDay: false))
        for bad in ["2026-11-31", "22/11/2026", "2026-11-22T25:00:00Z", "", "2026-1-01"] {
            XCTAssertThrowsError(try CDRFilter.time(bad, flag: "since", endOfDay: false), bad)
        }
    }
}
