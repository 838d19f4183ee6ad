import XCTest
@testable import PBXCLI
@testable import PBXEngine

/// A typed key states its flag's default and range once: help shows that default, a
/// run reads it when the flag is absent, and the parser refuses values outside the range.
final class FlagKeyTests: XCTestCase {
    static let count = FlagKey<Int>.int("count", value: "N", default: 7, in: 1...10, help: "how many")
    static let wait = FlagKey<Double?>.number("wait", value: "SEC", in: 0...60, help: "how long")
    static let name = FlagKey<String?>.string("name", help: "who")
    static let tags = FlagKey<[String]>.strings("tag", help: "labels")
    static let force = FlagKey<Bool>.bool("force", help: "no questions")

    func root() -> Command {
        let root = Command("pbxctl", "test root")
        root.globalFlags = [FlagKey<Bool>.bool("quiet", short: "q", help: "ids only").flag,
                            FlagKey<String>.choice("output", short: "o", ["table", "json"], default: "table", help: "format").flag]
        root.add(Command("run", "run something", flags: [Self.count.flag, Self.wait.flag, Self.name.flag, Self.tags.flag, Self.force.flag], run: { _ in }))
        return root
    }

    func parse(_ words: [String]) throws -> ParsedCommandLine { try CommandLineParser(root: root()).parse(words) }

    func testTheDefaultIsStatedOnceForHelpAndForTheRun() throws {
        XCTAssertEqual(Self.count.flag.defaultValue, "7")
        XCTAssertTrue(HelpRenderer.render(try XCTUnwrap(root().child(named: "run"))).contains("how many (default 7)"))
        let absent = try parse(["run"])
        XCTAssertEqual(absent[Self.count], 7)
        XCTAssertFalse(absent.has(Self.count))
        XCTAssertNil(absent[Self.wait])
        XCTAssertNil(absent[Self.name])
        XCTAssertEqual(absent[Self.tags], [])
        XCTAssertFalse(absent[Self.force])
        let given = try parse(["run", "--count", "3", "--wait=2.5", "--name", "ann", "--tag", "a", "--tag", "b", "--force"])
        XCTAssertEqual(given[Self.count], 3)
        XCTAssertEqual(given[Self.wait], 2.5)
        XCTAssertEqual(given[Self.name], "ann")
        XCTAssertEqual(given[Self.tags], ["a", "b"])
        XCTAssertTrue(given[Self.force])
    }

    func testTheParserRefusesAValueOutsideTheKeysRange() {
        XCTAssertThrowsError(try parse(["run", "--count", "11"])) { error in
            XCTAssertEqual((error as? CommandLineError)?.usage.message, "--count must be 1 to 10, not '11'")
        }
        XCTAssertThrowsError(try parse(["run", "--wait", "-1"])) { error in
            XCTAssertEqual((error as? CommandLineError)?.usage.message, "--wait must be 0 to 60, not '-1'")
        }
        XCTAssertThrowsError(try parse(["run", "--count", "0x3"])) { error in
            XCTAssertEqual((error as? CommandLineError)?.usage.message, "flag --count takes a whole number, not '0x3'")
        }
    }

    /// The line is read to its end, so the global flags after a mistake still count.
    func testAFailedParseStillCarriesTheGlobalFlags() {
        for words in [["run", "--nope", "-o", "json"], ["-o", "json", "rnu"], ["-qo", "json", "run", "--count", "99"]] {
            XCTAssertThrowsError(try parse(words), words.joined(separator: " ")) { error in
                guard let failure = error as? CommandLineError else { return XCTFail("\(error)") }
                XCTAssertEqual(failure.partial.values["output"], ["json"], words.joined(separator: " "))
            }
        }
        XCTAssertThrowsError(try parse(["rnu", "--count", "3"])) { error in
            XCTAssertEqual((error as? CommandLineError)?.usage.lines.first, "unknown command 'rnu' for 'pbxctl'", "the first mistake is the one reported")
        }
    }

    func testGlobalOptionsAreReadOnceFromTheLineAndTheEnvironment() throws {
        let root = RootCommand.build()
        let line = try CommandLineParser(root: root).parse(["users", "list", "-qo", "csv", "--retries", "5", "--no-color"])
        let options = GlobalOptions(line, environment: ["PBXCTL_OUTPUT": "json", "PBXCTL_MAX_BODY_MB": "2"])
        XCTAssertEqual(options.format, .csv, "the flag wins over PBXCTL_OUTPUT")
        XCTAssertTrue(options.quiet)
        XCTAssertEqual(options.retries, 5)
        XCTAssertEqual(options.timeout, 30)
        XCTAssertEqual(options.color, "never")
        XCTAssertEqual(options.maxBodyBytes, 2 << 20)
        XCTAssertFalse(options.jsonErrors)
        XCTAssertNoThrow(try options.validate())
        let bad = GlobalOptions(try CommandLineParser(root: root).parse(["users", "list"]), environment: ["PBXCTL_OUTPUT": "yaml"])
        XCTAssertEqual(bad.format, .table)
        XCTAssertThrowsError(try bad.validate())
    }
}

/// Help lays flags out in two columns that line up.
final class HelpLayoutTests: XCTestCase {
    func testEveryFlagsDescriptionStartsInTheSameColumn() throws {
        let root = RootCommand.build()
        for words in [["users", "create"], ["users", "list"], ["phones", "create"], ["sandbox"]] {
            var node = root
            for word in words { node = try XCTUnwrap(node.child(named: word)) }
            let help = HelpRenderer.render(node)
            let flagLines = help.components(separatedBy: "\nFlags:\n")[1].components(separatedBy: "\n\n")[0].split(separator: "\n")
            let columns = Set(flagLines.map { line -> Int in
                let signature = line.firstIndex { $0 != " " }!
                let afterSignature = line[signature...].range(of: "  ")!.lowerBound
                return line.distance(from: line.startIndex, to: line[afterSignature...].firstIndex { $0 != " " }!)
            })
            XCTAssertEqual(columns.count, 1, "\(words.joined(separator: " ")): \(flagLines.joined(separator: "\n"))")
        }
    }
}
