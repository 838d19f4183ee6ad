import Foundation
import XCTest

/// Each of the 142 operations the product was specified with, driven by its named command,
/// end to end, against a sandbox that validates every request and every answer against
/// the vendor's OpenAPI document (an invalid request would answer 400 and fail the step;
/// an answer outside the document is recorded and fails the tour). The sandbox's own
/// count of served operations proves each one was reached.
final class OperationTourTests: XCTestCase {
    func testEverySeedOperationThroughItsCommand() throws {
        let sandbox = try InProcessSandbox()
        defer { sandbox.stop() }
        let env = sandbox.env()
        let workdir = InProcess.temporaryDirectory()
        var vars: [String: String] = [:]

        /// Runs one step; `$NAME` in arguments is replaced by an earlier capture.
        @discardableResult
        func step(_ line: String, expect: Int32 = 0, capture: String? = nil, stdin: String? = nil, file: StaticString = #filePath, lineNumber: UInt = #line) -> String {
            var words = Shell.split(line)
            words = words.map { word in vars.reduce(word) { $0.replacingOccurrences(of: "$" + $1.key, with: $1.value) } }
            let result = InProcess.run(words, env: env.merging(["PWD": workdir]) { $1 }, stdin: stdin)
            XCTAssertEqual(result.code, expect, "\(line)\n\(result.stderr)", file: file, line: lineNumber)
            let out = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if let capture { vars[capture] = out.split(separator: "\n").first.map(String.init) ?? "" }
            return result.stdout
        }

        // users and roles
        step("users list --limit 5")
        step("users create --name tour.user --display-name Tour --email tour@example.com --role StandardUser --extension 7301 -f password=Tour#1 -f extension_password=Sip#1 -f voicemail_pin=385920 -q", capture: "UID")
        step("users get 7301")
        step("users update 7301 --department QA")
        step("users set-password 7301 --password-stdin", stdin: "New#Pass1\n")
        step("users set-extension-password 7301 --password-stdin", stdin: "New#Sip1\n")
        step("users set-role 7301 QueueManager")
        step("users reset-profile 7301")
        step("users reset-profile --yes")
        step("users ms365-bind 7301 ms365-user-1")
        step("users ms365-unbind 7301 --yes")
        step("users status 1001")
        step("users balance 7301")
        step("users balance 7301 --set 5")
        step("roles list")
        step("roles create TourRole --description Tour")
        step("roles get TourRole")
        step("roles update TourRole --description Changed")
        step("roles delete TourRole --yes")
        // me
        step("me get")
        step("me update --display-name Boss")
        step("me set-password -f new_password=x -f old_password=y")
        step("me set-extension-password -f new_password=x -f old_password=y")
        step("me status")
        step("me presence LUNCH --note soup")
        step("me caller-ids")
        step("me ring-groups")
        // groups
        step("groups create --name Tour --description T -q", capture: "GID")
        step("groups list")
        step("groups get $GID")
        step("groups update $GID --description U")
        step("groups member-add $GID 1001")
        step("groups members $GID")
        step("groups member-check $GID 1001")
        step("groups member-remove $GID 1001 --yes")
        step("groups delete $GID --yes")
        // phones, both forms
        let phone = "--mac 00:15:65:00:00:01 --vendor Yealink --model T54W --filename y.xml --language ENGLISH --transfer BLIND --timezone UTC --interface PRIVATE_IPV4 --transport UDP -F 'codecs=[\"PCMA\"]' -f password=9"
        for user in ["", " --user 7301"] {
            step("phones create \(phone)\(user) -q", capture: "PH")
            step("phones list\(user)")
            step("phones get $PH\(user)")
            step("phones update $PH --language FRENCH\(user)")
            step("phones delete $PH --yes\(user)")
        }
        // meetings and participants
        step("meetings create --subject Tour --mode VIDEO --timezone UTC -q", capture: "MID")
        step("meetings list")
        step("meetings get $MID")
        step("meetings update $MID --subject Tour2")
        step("meetings start $MID")
        for action in ["status", "mute", "unmute", "lock", "unlock", "start-recording", "stop-recording"] { step("meetings \(action) $MID") }
        step("meetings participants invite $MID 1002")
        step("meetings participants invite $MID 1003")
        step("meetings participants list $MID -q", capture: "PID")
        step("meetings participants get $MID $PID")
        step("meetings participants mute $MID $PID")
        step("meetings participants unmute $MID $PID")
        step("meetings participants chairman $MID $PID")
        step("meetings participants position $MID $PID 2")
        step("meetings participants layout $MID $PID")
        step("meetings participants kick $MID $PID --yes")
        step("meetings stop $MID")
        step("meetings delete $MID --yes")
        // contacts
        step("contacts create --name Dana -q", capture: "CID")
        step("users get 1001 -q", capture: "EXTID")
        step("contacts list")
        step("contacts get $CID")
        step("contacts update $CID --title CTO")
        for kind in ["personal", "business", "extension"] {
            let id = kind == "personal" ? "$CID" : kind == "business" ? "bc-1" : "$EXTID"
            step("contacts favorite \(id) --kind \(kind)")
            step("contacts unfavorite \(id) --kind \(kind)")
            step("contacts sync --kind \(kind)")
        }
        step("contacts delete $CID --yes")
        // cdrs, recordings, messages
        step("cdrs list --limit 3")
        step("cdrs list -q", capture: "CDR")
        step("cdrs get $CDR")
        step("cdrs sync --since 2026-01-01T00:00:00Z")
        step("recordings list -q", capture: "REC")
        step("recordings get $REC")
        step("recordings download $REC -O \(workdir)/tour.wav")
        step("recordings delete $REC --yes")
        step("messages list -q", capture: "MSG")
        step("messages get $MSG")
        // holidays, speed dials, greetings, call queues: current-user and admin forms
        for user in ["", " --user 7301"] {
            step("holidays create --name Tour --region GBR --consecutive false --every-year true -F month_start=1 -F day_start=2\(user) -q", capture: "HID")
            step("holidays list\(user)")
            step("holidays get $HID\(user)")
            step("holidays update $HID --name Tour2 --consecutive false --every-year true\(user)")
            step("holidays delete $HID --yes\(user)")
            step("holidays global\(user)")
            step("holidays set-global tenant-holiday-1\(user)")
            for (kind, code) in [("8", "3"), ("100", "42")] {
                step("speed-dials create --kind \(kind) --code \(code) --number 1002\(user) -q", capture: "SD")
                step("speed-dials list --kind \(kind)\(user)")
                step("speed-dials get $SD --kind \(kind)\(user)")
                step("speed-dials update $SD --kind \(kind) --description D\(user)")
                step("speed-dials delete $SD --kind \(kind) --yes\(user)")
            }
            step("greetings create file-1\(user) -q", capture: "GR")
            step("greetings list\(user)")
            step("greetings enable $GR\(user)")
            step("greetings disable $GR\(user)")
            step("greetings delete $GR --yes\(user)")
            step("call-queues list\(user)")
            step("call-queues agent cq-1\(user)")
            step("call-queues agent cq-1 --set-status READY\(user)")
        }
        // registration
        step("registration status 1001")
        step("registration status 1001 -q", capture: "INSTANCE")
        step("registration unregister 1001 $INSTANCE --yes")
        step("registration check 1001", expect: 7)
        step("users delete 7301 --yes")

        let served = try sandbox.stats().operations
        let seed = try SeedOperations.operationIds()
        XCTAssertEqual(seed.count, 142)
        let missing = seed.filter { served[$0] == nil }
        XCTAssertEqual(missing, [], "seed operations no command reached")
        XCTAssertEqual(try sandbox.answerViolations(), [], "every answer fits the vendor document")
    }

    /// docs/operations.md is generated from the catalog and maps every seed operation.
    func testOperationReferenceIsInSyncAndComplete() throws {
        let generated = InProcess.run(["__reference", "operations"], env: InProcess.environment(home: InProcess.temporaryDirectory())).stdout
        let committed = try String(contentsOf: InProcess.packageRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        XCTAssertEqual(generated, committed, "regenerate with: pbxctl __reference operations > docs/operations.md")
        let rows = Set(committed.split(separator: "\n").filter { $0.hasPrefix("| GET") || $0.hasPrefix("| POST") }.map { line -> String in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return cells[0] + " " + cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        })
        for operation in SeedOperations.methodPaths { XCTAssertTrue(rows.contains(operation), "\(operation) has no command") }
    }
}

/// The 142 operations the product was specified with, as (method path) and operationIds of the vendor document.
enum SeedOperations {
    static let methodPaths: [String] = {
        let text = try! String(contentsOf: InProcess.packageRoot.appendingPathComponent("Tests/PBXEndToEndTests/seed-operations.txt"), encoding: .utf8)
        return text.split(separator: "\n").map { line in line.split(separator: " ").prefix(2).joined(separator: " ") }
    }()

    static func operationIds() throws -> [String] {
        let text = try String(contentsOf: InProcess.packageRoot.appendingPathComponent("Tests/PBXEndToEndTests/seed-operations.txt"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
    }
}

/// Splits a test's command line like a POSIX shell would for simple quoting.
enum Shell {
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var hasWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                hasWord = true
            } else if character == " " {
                if hasWord { words.append(current) }
                current = ""
                hasWord = false
            } else {
                current.append(character)
                hasWord = true
            }
        }
        if hasWord { words.append(current) }
        return words
    }
}
