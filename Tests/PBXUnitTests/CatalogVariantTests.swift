import XCTest
@testable import PBXCLI
@testable import PBXCatalog
@testable import PBXEngine
import PBXJSON

/// The catalog's other requests are data: each variant says which flag or missing
/// argument chooses it, and the reference lists every request it can send.
final class CatalogVariantTests: XCTestCase {
    func testEveryReferencedRequestIsAnOperationOfTheVendorDocument() {
        let missing = PortSIPCatalog.mapping.filter { PortSIPSpec.shared.operation($0.method, $0.path) == nil }.map { "\($0.method) \($0.path)" }
        XCTAssertEqual(missing, [])
    }

    func testVariantsReachTheRequestsTheyDeclare() throws {
        let root = RootCommand.build()
        func plan(_ words: [String]) throws -> RequestPlan {
            let line = try CommandLineParser(root: root).parse(words)
            let operation = try XCTUnwrap(PortSIPCatalog.all.first { $0.words == line.command.path })
            var plan = RequestPlan(method: operation.method, template: operation.path)
            for variant in operation.variants { variant.apply(to: &plan, line: line) }
            return plan
        }
        XCTAssertEqual(try plan(["users", "balance", "1001"]).method, "GET")
        let balance = try plan(["users", "balance", "1001", "--set", "-0.50"])
        XCTAssertEqual(balance.method, "POST")
        XCTAssertEqual(balance.body.map { JSON.object($0).compactText }, #"{"balance":-0.50}"#, "the amount as typed")
        XCTAssertEqual(try plan(["speed-dials", "list", "--kind", "100"]).template, "/user/speed_dial_100")
        XCTAssertEqual(try plan(["speed-dials", "list"]).template, "/user/speed_dial_8")
        XCTAssertEqual(try plan(["contacts", "favorite", "c-1", "--kind", "business"]).template, "/user/business_contacts/{id}/favorite")
        // A JSON number however the amount was written: no sign, no leading zeros.
        for (typed, sent) in [("007", "7"), ("+5", "5"), ("-00.50", "-0.50"), ("0", "0"), ("+0.0", "0.0")] {
            let plan = try plan(["users", "balance", "1001", "--set=\(typed)"])
            XCTAssertEqual(plan.body.map { JSON.object($0).compactText }, #"{"balance":"# + sent + "}", typed)
        }
        let every = try plan(["users", "reset-profile"])
        XCTAssertEqual(every.template, "/users/profile")
        XCTAssertEqual(every.confirmQuestion, "Reset the profile of every user?")
        XCTAssertNil(try plan(["users", "reset-profile", "1001"]).confirmQuestion)
        let status = try plan(["call-queues", "agent", "q-1", "--set-status", "READY"])
        XCTAssertEqual(status.method, "POST")
        XCTAssertEqual(status.body.map { JSON.object($0).compactText }, #"{"status":"READY"}"#)
    }

    func testEachVariantAddsItsRowsToTheReference() {
        let rows = PortSIPCatalog.mapping.map { "\($0.method) \($0.path) \($0.command)" }
        for expected in ["POST /users/{id}/balance pbxctl users balance USER --set VALUE",
                         "GET /user/speed_dial_100 pbxctl speed-dials list --kind 100",
                         "GET /users/{id}/speed_dial_100 pbxctl speed-dials list --kind 100 --user USER",
                         "POST /user/extension_contacts/{id}/favorite pbxctl contacts favorite ID --kind extension",
                         "POST /users/profile pbxctl users reset-profile (no USER: every user)"] {
            XCTAssertTrue(rows.contains(expected), expected)
        }
    }

    /// Speed-dial codes follow the list the request goes to.
    func testSpeedDialCodesAreCheckedForTheirList() {
        XCTAssertEqual(PortSIPRules.bodyProblems(JSONObject([("code", "5")]), rules: .speedDials, path: "/user/speed_dial_8"), [])
        XCTAssertEqual(PortSIPRules.bodyProblems(JSONObject([("code", "5")]), rules: .speedDials, path: "/user/speed_dial_100").map(\.message), ["must be two digits, 00 to 99, for speed-dial-100"])
        XCTAssertEqual(PortSIPRules.bodyProblems(JSONObject([("code", "05")]), rules: .speedDials, path: "/users/{id}/speed_dial_100"), [])
        XCTAssertEqual(PortSIPRules.bodyProblems(JSONObject([("code", "1")]), rules: .speedDials, path: "/user/speed_dial_8").map(\.message),
                       ["must be one digit, 2 to 9, for speed-dial-8"], "read after the flag: --code must be …")
    }
}

/// A body flag the catalog names without words of its own is described as the vendor
/// document describes its field.
final class VendorFlagHelpTests: XCTestCase {
    func testAFlagWithoutCatalogHelpTakesTheVendorsDescription() throws {
        let root = RootCommand.build()
        let create = try XCTUnwrap(root.child(named: "users")?.child(named: "create"))
        XCTAssertEqual(create.flags.first { $0.long == "department" }?.help, "the department of user")
        XCTAssertEqual(create.flags.first { $0.long == "email" }?.help, "email address", "the catalog's own words win")
        let phones = try XCTUnwrap(root.child(named: "phones")?.child(named: "create"))
        XCTAssertEqual(phones.flags.first { $0.long == "model" }?.help, "the name of IP phone model")
        XCTAssertEqual(PortSIPDescriptions.field("mac", of: "createCurrentUserPhone"), "MAC address of this IP phone", "capitals of an acronym are kept")
    }
}
