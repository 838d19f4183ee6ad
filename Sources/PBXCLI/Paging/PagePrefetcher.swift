import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// Fetches pages with a few concurrent requests and hands them over in order,
/// holding at most a window of pages in memory. Pages are taken from the plan only as
/// they are fetched.
enum PagePrefetcher {
    /// What the fetching threads and the printing thread share. Sendable by `condition`,
    /// which guards all of it.
    /// Fetchers sleep on `condition`; the printing thread sleeps on `arrived`, so that a
    /// page coming in wakes the one thread that prints it instead of every idle fetcher.
    final class Shared<Page>: @unchecked Sendable {
        let condition = NSCondition()
        let arrived = DispatchSemaphore(value: 0)
        var plan: PagePlan
        var planned: [Int: (skip: Int, top: Int)] = [:]
        var exhausted = false
        var results: [Int: Page] = [:]
        var failure: Error?
        var nextToFetch = 0
        var nextToEmit = 0
        var waiting = 0
        var fetching = 0
        init(plan: PagePlan) { self.plan = plan }
    }

    /// `emit` gets each page with the `top` it was asked with, and returns false to stop.
    /// At most `limit()` pages are fetched at once (it may change as answers come); a
    /// page is taken from the plan only when it can be sent.
    static func run(_ pages: PagePlan, concurrency: Int, limit: @escaping @Sendable () -> Int = { .max },
                    fetch: @escaping @Sendable ((skip: Int, top: Int)) throws -> [JSON], emit: ([JSON], Int) throws -> Bool) throws {
        try run(pages, concurrency: concurrency, limit: limit, fetch: fetch, count: \.count, emit: emit)
    }

    /// `run` for pages of any kind, `count` telling how many items one holds.
    static func run<Page>(_ pages: PagePlan, concurrency: Int, limit: @escaping @Sendable () -> Int = { .max },
                          fetch: @escaping @Sendable ((skip: Int, top: Int)) throws -> Page, count: @escaping @Sendable (Page) -> Int,
                          emit: (Page, Int) throws -> Bool) throws {
        let shared = Shared<Page>(plan: pages)
        let condition = shared.condition
        let fetchers = WorkerPool(maximum: concurrency)
        let window = concurrency * 2
        // Every fetcher waits for the same thing, so one woken fetcher that cannot go means
        // none can; one that can go wakes the next, or starts it while fewer than
        // `concurrency` exist. A single signal per freed slot thus replaces a broadcast
        // that woke every idle fetcher for each page, and only as many threads start as
        // the limit ever allowed.
        @Sendable func canTakePage() -> Bool {
            !shared.exhausted && shared.failure == nil && shared.nextToFetch < shared.nextToEmit + window && shared.fetching < limit()
        }
        /// What a waiting fetcher waits for: a page to take, or the end.
        @Sendable func mayFetch() -> Bool {
            shared.exhausted || shared.failure != nil || canTakePage()
        }
        @Sendable func wakeOrStartFetcher() {
            if shared.waiting > 0 {
                condition.signal()
            } else {
                fetchers.startWorker(fetcher)
            }
        }
        @Sendable func fetcher() {
            while true {
                condition.lock()
                while !mayFetch() {
                    shared.waiting += 1
                    condition.wait()
                    shared.waiting -= 1
                }
                let page = shared.failure == nil && !Interrupt.process.isRequested && !shared.exhausted ? shared.plan.next() : nil
                guard let page else {
                    shared.exhausted = true
                    condition.broadcast()
                    condition.unlock()
                    shared.arrived.signal()
                    return
                }
                let index = shared.nextToFetch
                shared.nextToFetch += 1
                shared.planned[index] = page
                shared.fetching += 1
                if canTakePage() { wakeOrStartFetcher() }
                condition.unlock()
                let outcome = Result { try fetch(page) }
                condition.lock()
                shared.fetching -= 1
                switch outcome {
                case .success(let items):
                    shared.results[index] = items
                    // A short page is where the list ends (the printing side stops
                    // there too): plan no more, however many pages the count promised.
                    if count(items) < page.top { shared.exhausted = true }
                case .failure(let error): if shared.failure == nil { shared.failure = error }
                }
                if shared.exhausted || shared.failure != nil { condition.broadcast() } else if shared.waiting > 0 { condition.signal() }
                condition.unlock()
                shared.arrived.signal()
            }
        }
        condition.lock()
        wakeOrStartFetcher()
        condition.unlock()
        defer {
            condition.lock()
            if shared.failure == nil { shared.failure = CancellationError() }
            condition.broadcast()
            condition.unlock()
            fetchers.join()
        }
        while true {
            condition.lock()
            while shared.results[shared.nextToEmit] == nil, shared.failure == nil, !Interrupt.process.isRequested,
                !(shared.exhausted && shared.nextToEmit >= shared.nextToFetch)
            {
                // A fetcher signals `arrived` after each change; the timeout is for Ctrl-C.
                condition.unlock()
                _ = shared.arrived.wait(timeout: .now() + .milliseconds(20))
                condition.lock()
            }
            if Interrupt.process.isRequested {
                condition.unlock()
                try Interrupt.process.check()
            }
            guard let items = shared.results.removeValue(forKey: shared.nextToEmit) else {
                let error = shared.failure
                let done = shared.exhausted && shared.nextToEmit >= shared.nextToFetch
                condition.unlock()
                if done { return }
                throw error!
            }
            let top = shared.planned.removeValue(forKey: shared.nextToEmit)?.top ?? count(items)
            shared.nextToEmit += 1
            if canTakePage() { wakeOrStartFetcher() }
            condition.unlock()
            guard try emit(items, top) else { return }
        }
    }
}
