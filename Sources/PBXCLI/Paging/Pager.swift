import PBXClient
import PBXJSON

/// One walk through a list, page by page, in a backend's page style: catalog lists,
/// `api --paginate`, Vonage's callback numbers, and the reads of every user that
/// import and users diff/apply make.
/// The page style says how a page is asked for; `PageWalker` decides which pages to
/// ask for and when the list has ended.
struct Pager {
    let style: PageStyle
    private(set) var walker: PageWalker
    /// Item IDs let a page that repeats the previous one end the walk; nil where a
    /// list's items have none to compare by.
    let idKey: String?

    init(style: PageStyle, limit: Int? = nil, all: Bool = true, paged: Bool = true, idKey: String? = nil) {
        self.style = style
        walker = PageWalker(pageSize: style.pageSize, limit: limit, all: all, paged: paged)
        self.idKey = idKey
    }

    /// What one page's answer held.
    struct Page {
        var items: [JSON]
        var total: Int?
        /// The whole answer, nil when there was none to read.
        var answer: JSON?
    }

    /// The next page to ask for, or nil when done.
    mutating func next() -> (skip: Int, top: Int)? { walker.next() }

    /// Records a page's items (asked for with `top`, default the last `next()`), and
    /// returns how many of them to keep.
    mutating func accept(_ items: [JSON], total: Int?, requested top: Int? = nil) -> Int {
        walker.accept(count: items.count, total: total, requested: asked(top), keys: idKey.map { PageWalker.keys(of: items, idKey: $0) })
    }

    /// How many items the request asked for: a page/limit request always asks for a
    /// whole page, or page numbers would shift.
    private func asked(_ top: Int?) -> Int? {
        if case .pageLimit(let size) = style { return size }
        return top
    }

    /// `accept` for a page that may have been copied as JSON Lines: the same walk, with
    /// the keys the copy recorded.
    mutating func accept(_ page: OperationCommand.ListPage, total: Int?, requested top: Int? = nil) -> Int {
        switch page {
        case .parsed(let items):
            return accept(items, total: total, requested: top)
        case .compact(let list):
            return walker.accept(count: list.itemCount, total: total, requested: asked(top), keys: idKey.map { _ in list.keys })
        }
    }

    /// Asks for pages until the list ends or `each` returns false; `each` gets the items
    /// to keep. Ctrl-C is checked before every request. Returns false when `fetch`
    /// returned nil: a dry run, where nothing comes back to walk on.
    @discardableResult
    mutating func walk(fetch: (_ pageQuery: [(String, String)]) throws -> Page?, each: (_ kept: [JSON], _ page: Page) throws -> Bool) throws -> Bool {
        while let page = next() {
            try Interrupt.process.check()
            var query: [(String, String)] = []
            // A list the vendor does not page is asked for once, without paging parameters.
            if walker.paged { style.append(page, to: &query) }
            guard let answer = try fetch(query) else { return false }
            let kept = accept(answer.items, total: answer.total)
            guard try each(Array(answer.items.prefix(kept)), answer) else { break }
        }
        return true
    }
}

extension PageStyle {
    /// Appends the query items that ask for `page` (a walker's skip and top).
    func append(_ page: (skip: Int, top: Int), to query: inout [(String, String)]) {
        switch self {
        case .skipTop:
            query.append(("skip", String(page.skip)))
            query.append(("top", String(page.top)))
        case .pageLimit(let size):
            query.append(("page", String(page.skip / size + 1)))
            query.append(("limit", String(size)))
        }
    }
}
