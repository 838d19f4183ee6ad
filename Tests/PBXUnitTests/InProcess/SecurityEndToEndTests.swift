import Foundation
import XCTest

/// What pbxctl does with a hostile server's data: where credentials go, what is saved
/// (a full disk, --max-time on libcurl and libcurl's re-sends: PBXEndToEndTests).
final class SecurityEndToEndTests: XCTestCase {
    func testCredentialsNeverGoToAnotherOrigin() throws {
        let foreign = try InProcessSandbox()
        defer { foreign.stop() }
        let pbx = try InProcessSandbox(arguments: ["--hostile", "file-url=" + foreign.baseURL + "/portsip"])
        defer { pbx.stop() }
        let dir = InProcess.temporaryDirectory()
        let result = InProcess.run(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav", "-v"], env: pbx.env())
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
        let pbx = try InProcessSandbox(arguments: ["--hostile", "file-url=self"])
        defer { pbx.stop() }
        let dir = InProcess.temporaryDirectory()
        let result = InProcess.run(["recordings", "download", "rec-admin-1", "-O", dir + "/r.wav"], env: pbx.env())
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(try pbx.requests().map(\.credentials), [true, true])
    }
}

extension SecurityEndToEndTests {
    /// 401, refresh, retry: the file holds the audio only, never the 401 answer before it.
    func testRetriedDownloadStartsTheFileOver() throws {
        let sandbox = try InProcessSandbox(arguments: ["--hostile", "blob-401-once"])
        defer { sandbox.stop() }
        let (home, env) = sandbox.loggedIn()
        let target = home + "/r.wav"
        let result = InProcess.run(["recordings", "download", "rec-admin-1", "-O", target], env: env)
        XCTAssertEqual(result.code, 0, result.stderr)
        XCTAssertEqual(try sandbox.stats().operations["refreshToken"], 1)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: target))
        XCTAssertEqual(String(decoding: bytes.prefix(4), as: UTF8.self), "RIFF", "the file starts with the audio")
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("UNAUTHORIZED"))
        XCTAssertEqual((try FileManager.default.contentsOfDirectory(atPath: home)).filter { $0.contains(".part-") }, [], "no temporary file left")
    }

    /// An error answer is shown, never saved: not to a file, not to stdout.
    func testErrorAnswerIsShownNotSaved() throws {
        let sandbox = try InProcessSandbox(arguments: ["--hostile", "blob-401-once"])
        defer { sandbox.stop() }
        let result = InProcess.run(["recordings", "download", "rec-admin-1", "-O", "-"], env: sandbox.env())
        XCTAssertEqual(result.code, 3, result.stderr)
        XCTAssertEqual(result.stdout, "", "the 401 body is not the recording")
        XCTAssertTrue(result.stderr.contains("the access token has expired"), "the server's message is shown: \(result.stderr)")
    }
}

extension SecurityEndToEndTests {
    /// A count far above what the pages deliver, huge, negative or not a number: no hang,
    /// no huge allocation; the contradiction is a malformed answer (exit 1).
    func testLyingCountEndsWithAMalformedAnswer() throws {
        for lie in ["1000000000000000", "1000000000000", "-5", "many"] {
            let sandbox = try InProcessSandbox(arguments: ["--hostile", "count=" + lie, "--users", "150"])
            defer { sandbox.stop() }
            let result = InProcess.run(["users", "list", "--all", "-q"], env: sandbox.env())
            XCTAssertEqual(result.code, 1, "count \(lie): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("count"), "count \(lie): \(result.stderr)")
            if (Int(lie) ?? 0) > 0 {
                XCTAssertEqual(Set(result.stdout.split(separator: "\n")).count, 150, "what did arrive is printed once each")
                // The first page, then only the pages already in flight when the short one came back.
                XCTAssertLessThanOrEqual(try XCTUnwrap(sandbox.stats().operations["listUsers"]), 10, "stops at the short page")
                XCTAssertEqual(InProcess.run(["users", "list", "--limit", "5", "-q"], env: sandbox.env()).code, 0, "a page that agrees is fine")
            }
        }
    }
}

extension SecurityEndToEndTests {
    /// A server that answers every page with the same full page, under a count it never
    /// reaches, would keep `--all` going forever: the repeat is a contradiction (exit 1)
    /// after what came before is printed. `--max-time` only bounds the test if it fails.
    func testAPageThatRepeatsThePreviousOneEndsTheWalk() throws {
        let sandbox = try InProcessSandbox(arguments: ["--hostile", "same-page", "--hostile", "count=1000000000000000", "--users", "150"])
        defer { sandbox.stop() }
        let result = InProcess.run(["users", "list", "--all", "-q", "--max-time", "60"], env: sandbox.env())
        XCTAssertEqual(result.code, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("same page"), result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 100, "the first page, once")
        XCTAssertEqual(Set(lines).count, 100)
        // The first page, then at most the pages already in flight when the repeat is
        // seen: paging sends up to 16 at once (AdaptiveConcurrency.pagingMaximum).
        XCTAssertLessThanOrEqual(try XCTUnwrap(sandbox.stats().operations["listUsers"]), 1 + 16, "stops at the repeated page")
        let small = InProcess.run(["users", "list", "--all", "-q", "--page-size", "7", "--max-time", "60"], env: sandbox.env())
        XCTAssertEqual(small.code, 1, small.stderr)
        XCTAssertEqual(small.stdout.split(separator: "\n").count, 7)
        let raw = InProcess.run(["api", "/users", "--paginate", "--max-time", "60"], env: sandbox.env())
        XCTAssertEqual(raw.code, 1, raw.stderr)
        XCTAssertTrue(raw.stderr.contains("same page"), raw.stderr)
    }
}

extension SecurityEndToEndTests {
    /// A display name a StandardUser set to terminal escapes reaches the admin's
    /// terminal escaped: in tables, error excerpts and -v traces.
    func testServerStringsReachTheTerminalEscaped() throws {
        let sandbox = try InProcessSandbox()
        defer { sandbox.stop() }
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{202E}evil\u{7F}"
        XCTAssertEqual(InProcess.run(["users", "update", "1001", "--display-name", hostile], env: sandbox.env()).code, 0)
        func assertClean(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            let unsafe = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E }
            XCTAssertTrue(unsafe.isEmpty, "\(what) has raw \(unsafe.map { String($0.value, radix: 16) }): \(text.debugDescription.prefix(400))", file: file, line: line)
        }
        let list = InProcess.run(["users", "list", "--filter", "extension_number eq '1001'"], env: sandbox.env())
        XCTAssertTrue(list.stdout.contains("\\x1B]0;pwned\\x07\\x1B[2J\\x9B31m\\u202Eevil\\x7F"), list.stdout)
        assertClean(list.stdout, "the list table")
        assertClean(InProcess.run(["users", "get", "1001"], env: sandbox.env()).stdout, "the single-object table")
        let traced = InProcess.run(["users", "get", "1001", "-v"], env: sandbox.env())
        assertClean(traced.stderr, "the -v trace")
        XCTAssertTrue(traced.stderr.contains("pwned"), traced.stderr)
        let missing = InProcess.run(["users", "get", "nobody\u{1B}[2J\u{202E}"], env: sandbox.env())
        XCTAssertEqual(missing.code, 4)
        assertClean(missing.stderr, "the error message")
        XCTAssertTrue(missing.stderr.contains("\\x1B[2J"), missing.stderr)
    }
}

extension SecurityEndToEndTests {
    /// A line break in text pbxctl quotes (a server's message, an argument) is shown as
    /// `\n`: it cannot forge a line that looks like pbxctl's own. pbxctl's own
    /// multi-line messages keep their lines.
    func testLineBreaksInQuotedTextCannotForgeALine() throws {
        let sandbox = try InProcessSandbox()
        defer { sandbox.stop() }
        let forged = "a\npbxctl: note: all fine\r\u{1B}[2J"
        let missing = InProcess.run(["users", "get", forged], env: sandbox.env())
        XCTAssertEqual(missing.code, 4, missing.stderr)
        XCTAssertEqual(missing.stderr.filter { $0 == "\n" || $0 == "\r\n" }.count, 1, missing.stderr)
        XCTAssertFalse(missing.stderr.contains("\r"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("a\\npbxctl: note: all fine\\r\\x1B[2J"), missing.stderr)
        let usage = InProcess.run(["users", "get", "1001", forged], env: sandbox.env())
        XCTAssertEqual(usage.code, 2, usage.stderr)
        XCTAssertTrue(usage.stderr.contains("'a\\npbxctl: note: all fine"), usage.stderr)
        XCTAssertTrue(usage.stderr.contains("\n\nUsage: "), usage.stderr)
        XCTAssertFalse(usage.stderr.contains("\npbxctl: note"), usage.stderr)
        let flag = InProcess.run(["users", "list", "--timeout", forged], env: sandbox.env())
        XCTAssertEqual(flag.code, 2, flag.stderr)
        XCTAssertFalse(flag.stderr.contains("\npbxctl: note"), flag.stderr)
        let unknown = InProcess.run(["users", "lst"], env: sandbox.env())
        XCTAssertTrue(unknown.stderr.contains("\n\nDid you mean 'list'"), unknown.stderr)
        for (argv, hint) in [(["users", "list", "-o", "jsn"], "'json'"), (["completion", "bsh"], "'bash'"), (["login", "-p", "lab-pbc"], nil)] {
            let result = InProcess.run(argv, env: sandbox.env())
            XCTAssertEqual(result.code, 2, result.stderr)
            if let hint { XCTAssertTrue(result.stderr.contains("\n\nDid you mean \(hint)"), result.stderr) }
            XCTAssertFalse(result.stderr.contains("\\n"), result.stderr)
        }
        XCTAssertEqual(InProcess.run(["users", "update", "1001", "--display-name", "two\nlines"], env: sandbox.env()).code, 0)
        let table = InProcess.run(["users", "get", "1001"], env: sandbox.env())
        XCTAssertTrue(table.stdout.contains("two\\nlines"), table.stdout)
    }
}

extension SecurityEndToEndTests {
    /// Streamed lists are bounded like held answers: one knob (PBXCTL_MAX_BODY_MB) sets
    /// the whole answer's ceiling and, a sixteenth of it, one item's.
    func testStreamedListsHaveABodyAndAnItemCeiling() throws {
        let sandbox = try InProcessSandbox(arguments: ["--hostile", "item-bytes=200000"])
        defer { sandbox.stop() }
        let small = sandbox.env(["PBXCTL_MAX_BODY_MB": "1"])
        let item = InProcess.run(["cdrs", "list", "-o", "jsonl"], env: small)
        XCTAssertEqual(item.code, 1, item.stderr)
        XCTAssertTrue(item.stderr.contains("an item of the list is larger than 65536 bytes"), item.stderr)
        XCTAssertEqual(InProcess.run(["cdrs", "list", "-o", "jsonl"], env: sandbox.env()).code, 0, "within the default ceiling")

        let many = try InProcessSandbox(arguments: ["--cdrs", "8000"])
        defer { many.stop() }
        let body = InProcess.run(["cdrs", "list", "-o", "jsonl"], env: many.env(["PBXCTL_MAX_BODY_MB": "1"]))
        XCTAssertEqual(body.code, 1, body.stderr)
        XCTAssertTrue(body.stderr.contains("the list answer is larger than 1048576 bytes"), body.stderr)
    }
}

