import XCTest
@testable import PBXCLI
import PBXJSON

/// The one pager, against a list served from memory in either page style.
final class PagerTests: XCTestCase {
    /// Serves `count` items (`{"id": N}`) for the page a query asks for, and records the queries.
    final class List {
        let count: Int
        let total: Int?
        var queries: [String] = []
        init(count: Int, total: Int? = nil) {
            self.count = count
            self.total = total
        }

        func page(_ query: [(String, String)]) -> Pager.Page {
            queries.append(query.map { "\($0.0)=\($0.1)" }.joined(separator: "&"))
            let values = Dictionary(query, uniquingKeysWith: { $1 })
            let start: Int, size: Int
            if let page = values["page"].flatMap(Int.init), let limit = values["limit"].flatMap(Int.init) {
                (start, size) = ((page - 1) * limit, limit)
            } else {
                (start, size) = (Int(values["skip"] ?? "0")!, Int(values["top"] ?? "0")!)
            }
            let items = (start..<min(count, start + size)).map { JSON.object(JSONObject([("id", .int($0))])) }
            return Pager.Page(items: items, total: total, answer: .null)
        }
    }

    func walk(_ pager: inout Pager, _ list: List) throws -> [Int] {
        var seen: [Int] = []
        XCTAssertTrue(try pager.walk(fetch: { list.page($0) }, each: { kept, _ in
            seen += kept.compactMap { $0["id"]?.intValue }
            return true
        }))
        return seen
    }

    func testSkipTopWalksToTheShortPage() throws {
        let list = List(count: 5)
        var pager = Pager(style: .skipTop(pageSize: 2))
        XCTAssertEqual(try walk(&pager, list), [0, 1, 2, 3, 4])
        XCTAssertEqual(list.queries, ["skip=0&top=2", "skip=2&top=2", "skip=4&top=2"])
    }

    /// Page numbers count whole pages: the last request under a limit still asks for one.
    func testPageLimitAsksForWholePagesAndKeepsTheLimit() throws {
        let list = List(count: 100)
        var pager = Pager(style: .pageLimit(pageSize: 3), limit: 7, all: false)
        XCTAssertEqual(try walk(&pager, list), Array(0..<7))
        XCTAssertEqual(list.queries, ["page=1&limit=3", "page=2&limit=3", "page=3&limit=3"])
    }

    func testWithoutAllOrLimitOnePageIsRead() throws {
        let list = List(count: 10)
        var pager = Pager(style: .pageLimit(pageSize: 4), all: false)
        XCTAssertEqual(try walk(&pager, list), [0, 1, 2, 3])
        XCTAssertEqual(list.queries.count, 1)
    }

    func testTheCountEndsTheWalkWithoutAnEmptyPage() throws {
        let list = List(count: 4, total: 4)
        var pager = Pager(style: .skipTop(pageSize: 2))
        XCTAssertEqual(try walk(&pager, list), [0, 1, 2, 3])
        XCTAssertEqual(list.queries, ["skip=0&top=2", "skip=2&top=2"])
    }

    /// With IDs to compare, a page that repeats the last one ends the walk, none of it kept.
    func testARepeatedPageEndsTheWalk() throws {
        var served = 0
        var pager = Pager(style: .skipTop(pageSize: 2), idKey: "id")
        var kept: [[JSON]] = []
        try pager.walk(fetch: { _ in
            served += 1
            return Pager.Page(items: [["id": "a"], ["id": "b"]], total: 10, answer: nil)
        }, each: { items, _ in
            kept.append(items)
            return true
        })
        XCTAssertEqual(served, 2)
        XCTAssertEqual(kept.map(\.count), [2, 0])
        XCTAssertTrue(pager.walker.repeatedPage)
    }

    func testADryRunStopsAtTheFirstRequest() throws {
        var pager = Pager(style: .skipTop(pageSize: 2))
        var calls = 0
        XCTAssertFalse(try pager.walk(fetch: { _ in
            calls += 1
            return nil
        }, each: { _, _ in XCTFail("no page on a dry run"); return true }))
        XCTAssertEqual(calls, 1)
    }

    func testEachCanEndTheWalk() throws {
        let list = List(count: 100)
        var pager = Pager(style: .skipTop(pageSize: 10))
        XCTAssertTrue(try pager.walk(fetch: { list.page($0) }, each: { _, _ in false }))
        XCTAssertEqual(list.queries.count, 1)
    }
}

extension PagerTests {
    /// A list the vendor does not page is read with one request that asks for no page.
    func testAnUnpagedListIsOneRequestWithoutPagingParameters() throws {
        let list = List(count: 3)
        var pager = Pager(style: .skipTop(pageSize: 100), paged: false)
        var queries: [[(String, String)]] = []
        XCTAssertTrue(try pager.walk(fetch: { query in
            queries.append(query)
            return Pager.Page(items: list.page([("skip", "0"), ("top", "3")]).items, total: nil, answer: nil)
        }, each: { _, _ in true }))
        XCTAssertEqual(queries.count, 1)
        XCTAssertTrue(queries[0].isEmpty)
    }
}
