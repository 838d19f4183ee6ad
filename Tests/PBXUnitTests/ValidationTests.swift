import Foundation
import XCTest
@testable import PBXCatalog
import PBXJSON

final class ValidationTests: XCTestCase {
    let spec = PortSIPSpec.shared

    func testEverySeedOperationIsInTheEmbeddedSpec() {
        XCTAssertGreaterThanOrEqual(spec.operations.count, 142)
        XCTAssertNotNil(spec.operation("POST", "/users"))
        XCTAssertEqual(spec.operation("POST", "/users")?.successStatus, 201)
        XCTAssertEqual(spec.operation("POST", "/users/{id}/destroy")?.successStatus, 204)
    }

    func testPathMatchingPrefersLiterals() {
        XCTAssertEqual(spec.match(method: "POST", path: "/users/profile")?.operation.operationId, "resetAllUserProfiles")
        XCTAssertEqual(spec.match(method: "POST", path: "/users/abc")?.operation.operationId, "updateUser")
        XCTAssertEqual(spec.match(method: "GET", path: "/users/abc")?.parameters["id"], "abc")
        XCTAssertNil(spec.match(method: "DELETE", path: "/users/abc"))
    }

    func testQueryLimits() {
        XCTAssertEqual(spec.violations(method: "GET", path: "/users", query: [("top", "100"), ("skip", "0")], body: nil), [])
        XCTAssertEqual(spec.violations(method: "GET", path: "/users", query: [("top", "101")], body: nil), ["top: must be at most 100"])
        XCTAssertEqual(spec.violations(method: "GET", path: "/users", query: [("top", "0")], body: nil), ["top: must be at least 1"])
        XCTAssertEqual(spec.violations(method: "GET", path: "/user/cdrs", query: [("top", "5")], body: nil).count, 1, "the CDR list takes no paging")
    }

    func testBodySchema() {
        let problems = spec.violations(method: "POST", path: "/user/presence", query: [], body: ["presence": "SLEEPING", "presence_note": .string(String(repeating: "n", count: 129))])
        XCTAssertEqual(problems.count, 2)
        XCTAssertTrue(problems[0].hasPrefix("presence: must be one of DO_NOT_DISTURB, AVAILABLE"))
        XCTAssertEqual(problems[1], "presence_note: must be at most 128 characters (got 129)")
        let required = spec.violations(method: "POST", path: "/users", query: [], body: ["name": "x"])
        XCTAssertEqual(required.count, 7)
        XCTAssertEqual(spec.violations(method: "POST", path: "/users/x/balance", query: [], body: ["balance": "ten"]), ["balance: must be a number, not string"])
    }

    func testUserRules() {
        XCTAssertNil(PortSIPRules.userNameProblem("o'brien.j-2_x"))
        XCTAssertNotNil(PortSIPRules.userNameProblem("Root"))
        XCTAssertNotNil(PortSIPRules.userNameProblem(".dot"))
        XCTAssertNotNil(PortSIPRules.userNameProblem("dot."))
        XCTAssertNotNil(PortSIPRules.userNameProblem("has space"))
        XCTAssertNotNil(PortSIPRules.userNameProblem(String(repeating: "a", count: 65)))
        XCTAssertNil(PortSIPRules.extensionProblem("101"))
        XCTAssertNotNil(PortSIPRules.extensionProblem("10"))
        XCTAssertNotNil(PortSIPRules.extensionProblem("10a1"))
    }

    func testVoicemailPINPolicy() {
        XCTAssertNil(PortSIPRules.voicemailPINProblem("385920"))
        XCTAssertNil(PortSIPRules.voicemailPINProblem("1357924680"))
        XCTAssertNotNil(PortSIPRules.voicemailPINProblem("38592"), "too short")
        XCTAssertNotNil(PortSIPRules.voicemailPINProblem("38592011111"), "too long")
        XCTAssertNotNil(PortSIPRules.voicemailPINProblem("381118"), "repeat")
        XCTAssertNotNil(PortSIPRules.voicemailPINProblem("380128"), "ascending")
        XCTAssertNotNil(PortSIPRules.voicemailPINProblem("389878"), "descending")
        XCTAssertNotNil(PortSIPRules.voicemailPINProblem("38a920"), "digits only")
    }

    func testSpeedDialCodesAndRFC3339() {
        XCTAssertNil(PortSIPRules.speedDialCodeProblem("2", kind: 8))
        XCTAssertNotNil(PortSIPRules.speedDialCodeProblem("1", kind: 8))
        XCTAssertNil(PortSIPRules.speedDialCodeProblem("00", kind: 100))
        XCTAssertNotNil(PortSIPRules.speedDialCodeProblem("100", kind: 100))
        XCTAssertTrue(RFC3339.isValid("2017-07-21T17:32:28Z"))
        XCTAssertTrue(RFC3339.isValid("2017-07-21T17:32:28.5+02:00"))
        XCTAssertFalse(RFC3339.isValid("2017-02-30T00:00:00Z"))
        XCTAssertFalse(RFC3339.isValid("yesterday"))
        XCTAssertEqual(RFC3339.parse("2017-07-21T19:32:28+02:00"), RFC3339.parse("2017-07-21T17:32:28Z"))
        XCTAssertEqual(RFC3339.parse("2017-07-21T17:32:28Z"), Date(timeIntervalSince1970: 1_500_658_348))
        XCTAssertEqual(RFC3339.parse("1969-12-31T23:59:59.5Z"), Date(timeIntervalSince1970: -0.5))
        XCTAssertTrue(RFC3339.isValid("2024-02-29T00:00:00z"))
        XCTAssertFalse(RFC3339.isValid("2023-02-29T00:00:00Z"))
        XCTAssertFalse(RFC3339.isValid("2017-07-21T17:32:28.Z"))
        XCTAssertFalse(RFC3339.isValid("2017-07-21T17:32:28Z "))
        XCTAssertFalse(RFC3339.isValid("2017-07-21T17:32:28+0200"))
        for seconds in [0, 951_782_400, 1_500_658_348, 4_102_444_799, -86_401] {
            let date = Date(timeIntervalSince1970: Double(seconds))
            XCTAssertEqual(RFC3339.parse(RFC3339.format(date)), date, RFC3339.format(date))
        }
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 1_500_658_348.9)), "2017-07-21T17:32:28Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00Z")
    }

    /// The embedded request and answer schemas are what scripts/extract-portsip-spec.py
    /// makes of the vendor document kept in docs/vendor; regenerate them when this fails.
    func testEmbeddedSpecMatchesTheVendorDocument() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pbxctl-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/extract-portsip-spec.py").path, "--out", out.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        for name in ["PortSIPSpec+Generated.swift", "PortSIPAnswers+Generated.swift", "PortSIPDescriptions+Generated.swift"] {
            let generated = try Data(contentsOf: out.appendingPathComponent(name))
            let committed = try Data(contentsOf: root.appendingPathComponent("Sources/PBXCatalog/\(name)"))
            XCTAssertEqual(generated, committed, "\(name) is out of date")
        }
    }
}

/// The spec is indexed without being parsed; each entry is parsed when asked for.
final class LazySpecTests: XCTestCase {
    func testTheIndexAgreesWithTheParsedEntries() {
        let spec = PortSIPSpec.shared
        for operation in spec.operations {
            XCTAssertEqual(spec.operation(operation.method, operation.path)?.operationId, operation.operationId, "\(operation.method) \(operation.path)")
        }
    }

    func testEntryBoundsIgnoreBracketsAndQuotesInsideStrings() {
        let json = #"[{"method":"GET","path":"/a","operationId":"one","parameters":[{"name":"x]}\"{[","in":"query","schema":{"type":"string","default":"\\"}}]},"#
            + #"{"method":"POST","path":"/a/{id}","operationId":"two","body":{"schema":{"type":"object","properties":{"path":{"type":"string","default":"/wrong"}}}}}]"#
        let spec = PortSIPSpec(json: json)
        XCTAssertEqual(spec.operations.map(\.operationId), ["one", "two"])
        XCTAssertEqual(spec.operation("GET", "/a")?.queryParameters.map(\.name), [#"x]}"{["#])
        XCTAssertEqual(spec.match(method: "POST", path: "/a/7")?.operation.operationId, "two")
        XCTAssertEqual(spec.match(method: "POST", path: "/a/7")?.parameters, ["id": "7"])
    }
}
