import PBXClient
import PBXEngine
import PBXJSON

/// A user's callback numbers as one consistent list, the only safe base for a PUT
/// that replaces them all. Vonage pages by `limit`/`page` with no snapshot, so a
/// number added or removed by someone else between page reads shifts the pages: a
/// number can fall between two pages or appear on both. Such a read is caught by
/// duplicates, by `meta.totalCount` when the server gives it, and otherwise by
/// reading again: a list read over several pages is trusted only when two reads in
/// a row agree.
enum CallbackNumberSnapshot {
    /// Reads before giving up on a list that keeps changing.
    static let attempts = 4
    /// More numbers than any account holds; a server that pages on forever is refused.
    static let maxNumbers = 100_000

    struct Read {
        var ids: [String] = []
        var pages = 0
        /// Why this read cannot be trusted, if it cannot.
        var problem: String?
    }

    /// The list, or nil on a dry run; throws when no consistent read was possible.
    static func read(_ client: APIClient, path: String, pageSize: Int, user: String) throws -> [String]? {
        var previous: [String]?
        var lastProblem = ""
        for _ in 1...attempts {
            guard let read = try readOnce(client, path: path, pageSize: pageSize) else { return nil }
            if read.problem == nil, read.pages == 1 || read.ids == previous { return read.ids }
            lastProblem = read.problem ?? "two reads disagreed"
            previous = read.problem == nil ? read.ids : nil
        }
        throw APIError(kind: .malformed, code: "INCONSISTENT",
                       message: "\(user)'s list of callback numbers kept changing while it was read; nothing was written (\(attempts) reads, the last: \(lastProblem)). Try again when no one else is changing it.",
                       backend: "vonage")
    }

    /// Every page until a short or empty one.
    static func readOnce(_ client: APIClient, path: String, pageSize: Int) throws -> Read? {
        var read = Read()
        var seen = Set<String>()
        var totals: [Int] = []
        let complete = try VonageCommands.walk(client, path: path, pageSize: pageSize, all: true, limit: nil) { numbers, answer in
            read.pages += 1
            if let total = answer["meta"]?["totalCount"]?.intValue { totals.append(total) }
            for entry in numbers {
                guard let id = entry["callbackNumberId"]?.stringValue, !id.isEmpty else {
                    throw APIError(kind: .malformed, code: "MALFORMED", message: "a callback number in the answer has no callbackNumberId; nothing was written", backend: "vonage")
                }
                if !seen.insert(id).inserted, read.problem == nil { read.problem = "\(shown(id)) was on two pages" }
                read.ids.append(id)
            }
            guard read.ids.count <= maxNumbers else {
                throw APIError(kind: .malformed, code: "MALFORMED", message: "the server sent more than \(maxNumbers) callback numbers for one user; nothing was written", backend: "vonage")
            }
        }
        guard complete else { return nil }
        if read.problem == nil, let total = totals.first {
            if totals.contains(where: { $0 != total }) {
                read.problem = "the pages gave different totals"
            } else if total != read.ids.count {
                read.problem = "the server counts \(total) numbers but its pages held \(read.ids.count)"
            }
        }
        return read
    }

    /// The last guard before a PUT: it may drop only what the user asked to remove, and repeats nothing.
    static func checkOnlyRequestedRemoved(before: [String], after: [String], removable: Set<String>) throws {
        let lost = Set(before).subtracting(after).subtracting(removable)
        guard lost.isEmpty else {
            throw APIError.local("refusing to write a list that would drop \(lost.sorted().map(shown).joined(separator: ", ")), not named on the command line; nothing was written")
        }
        guard Set(after).count == after.count else { throw APIError.local("refusing to write a list that repeats a number; nothing was written") }
    }

    /// A server's ID in a message: quoted and escaped, and bounded.
    static func shown(_ id: String) -> String {
        JSON.string(id.count > 64 ? String(id.prefix(64)) + "…" : id).compactText
    }
}
