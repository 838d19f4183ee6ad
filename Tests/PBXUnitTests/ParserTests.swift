import XCTest
@testable import PBXCLI
@testable import PBXEngine
@testable import PBXClient

final class ParserTests: XCTestCase {
    let root = RootCommand.build()

    func parse(_ words: String) throws -> ParsedCommandLine {
        try CommandLineParser(root: root).parse(words.split(separator: " ").map(String.init))
    }

    func usageMessage(_ words: [String]) -> String? {
        do {
            _ = try CommandLineParser(root: root).parse(words)
            return nil
        } catch {
            // pbxctl reports the engine's usage error as its own exit-2 error.
            let reported = APIError(error.usage)
            XCTAssertEqual(reported.exitCode, 2)
            return reported.message
        }
    }

    func testGlobalFlagsAnywhereAndBothValueForms() throws {
        let before = try parse("-o json --limit=5 users list")
        XCTAssertEqual(before.command.path, ["users", "list"])
        XCTAssertEqual(before[GlobalFlags.output], "json")
        XCTAssertEqual(before[ListFlags.limit], 5)
        let after = try parse("users list --output=csv -p prod --all")
        XCTAssertEqual(after[GlobalFlags.output], "csv")
        XCTAssertEqual(after[GlobalFlags.profile], "prod")
        XCTAssertTrue(after[ListFlags.all])
    }

    func testShortFlagsCombineAndAttach() throws {
        let line = try parse("users list -qv -ojsonl")
        XCTAssertTrue(line[GlobalFlags.quiet])
        XCTAssertTrue(line[GlobalFlags.verbose])
        XCTAssertEqual(line[GlobalFlags.output], "jsonl")
    }

    func testRepeatedFlagsAccumulate() throws {
        let line = try parse("users update 1001 -f a=1 -F b=true -f c=x")
        XCTAssertEqual(line[BodyFlags.field], ["a=1", "c=x"])
        XCTAssertEqual(line[BodyFlags.rawField], ["b=true"])
        XCTAssertEqual(line.positionals, ["1001"])
    }

    func testDoubleDashEndsFlags() throws {
        let line = try CommandLineParser(root: root).parse(["users", "get", "--", "-weird-id"])
        XCTAssertEqual(line.positionals, ["-weird-id"])
    }

    /// A value that looks like a negative number is a value wherever one is expected.
    func testNegativeNumbersAreValues() throws {
        let position = try CommandLineParser(root: root).parse(["meetings", "participants", "position", "M", "P", "-1"])
        XCTAssertEqual(position.positionals, ["M", "P", "-1"])
        let decimal = try CommandLineParser(root: root).parse(["users", "balance", "7301", "--set", "-2.5"])
        XCTAssertEqual(decimal[PortSIPUsersCatalog.newBalance], "-2.5")
        XCTAssertEqual(try CommandLineParser(root: root).parse(["users", "balance", "7301", "--set=-0.5"])[PortSIPUsersCatalog.newBalance], "-0.5")
        XCTAssertTrue(usageMessage(["users", "list", "--limit", "-3"])?.contains("--limit must be 1 to 1000000000, not '-3'") == true, "-3 is --limit's value")
        XCTAssertNotNil(usageMessage(["users", "list", "-1x"]), "not a number: still a (bad) flag")
    }

    func testBoolFlagTakesExplicitValue() throws {
        XCTAssertFalse(try parse("users list --all=false")[ListFlags.all])
        XCTAssertNotNil(usageMessage(["users", "list", "--all=maybe"]))
    }

    func testOnlyTheNearestNamesAreSuggested() {
        XCTAssertEqual(Suggest.closest("--limt", among: ["--limit", "--quiet", "--all"]), ["--limit"])
        XCTAssertEqual(Suggest.closest("--ouput", among: ["--output", "--quiet"]), ["--output"])
        XCTAssertEqual(Suggest.closest("lst", among: ["list", "last", "get"]), ["last", "list"], "ties are all shown")
    }

    func testUnknownCommandsAndFlagsSuggest() {
        XCTAssertTrue(usageMessage(["usres", "list"])?.contains("Did you mean 'users'") == true)
        XCTAssertTrue(usageMessage(["users", "lsit"])?.contains("'list'") == true)
        XCTAssertTrue(usageMessage(["users", "list", "--pgae-size", "3"])?.contains("unknown flag --pgae-size; did you mean --page-size?") == true)
        XCTAssertTrue(usageMessage(["users", "list", "-o", "yaml"])?.contains("choose from table, json, jsonl, csv, tsv") == true)
    }

    func testTypedValuesAndArgumentCounts() {
        XCTAssertTrue(usageMessage(["users", "list", "--limit", "ten"])?.contains("whole number") == true)
        XCTAssertTrue(usageMessage(["users", "get"])?.contains("missing argument USER") == true)
        XCTAssertTrue(usageMessage(["users", "get", "1", "2"])?.contains("unexpected argument '2'") == true)
        XCTAssertTrue(usageMessage(["users", "list", "--limit"])?.contains("needs a value") == true)
    }

    func testHelpIsAccepted() throws {
        XCTAssertTrue(try parse("users get --help").helpRequested)
        XCTAssertTrue(try parse("help users").helpRequested)
        XCTAssertTrue(try parse("users -h").helpRequested)
    }

    func testEveryCommandHasHelpAndAnExample() {
        for command in root.allCommands where command.run != nil && command.name != "help" && !command.hidden {
            XCTAssertFalse(command.examples.isEmpty, "\(command.fullName) has no example")
            XCTAssertTrue(HelpRenderer.render(command).contains("Usage:\n  \(command.fullName)"))
        }
    }

    func testSuggestDistance() {
        XCTAssertEqual(Suggest.distance("kitten", "sitting"), 3)
        XCTAssertEqual(Suggest.closest("lst", among: ["list", "get", "delete"]).first, "list")
        XCTAssertEqual(Suggest.closest("zzzzzz", among: ["list"]), [])
    }

    func testNumbersArePlainDecimalAndBodiesGetOnlyJSONNumbers() {
        for text in ["0x10", "1e3", "inf", "nan", ".5", "10.", "+", "1.2.3", " 5"] { XCTAssertNil(NumberRanges.decimal(text), text) }
        XCTAssertEqual(NumberRanges.decimal("-2.5"), -2.5)
        XCTAssertEqual(NumberRanges.decimal("+3"), 3)
        XCTAssertNil(NumberRanges.integer("1.0"))
        XCTAssertEqual(NumberRanges.integer("-7"), -7)
        for text in ["0x10", "inf", "nan", "+5", ".5"] { XCTAssertEqual(BodyInput.typed(text, schemaType: "integer"), .string(text), text) }
        XCTAssertEqual(BodyInput.typed("42", schemaType: "integer").compactText, "42")
        XCTAssertEqual(BodyInput.typed("-1.5", schemaType: "number").compactText, "-1.5")
    }
}
