import XCTest
@testable import PBXCLI
import PBXCatalog
import PBXJSON

/// One validator for a command line and for an import's rows, against the vendor's
/// createUser schema.
final class RequestValidatorTests: XCTestCase {
    let validator = RequestValidator(operationId: "createUser", schema: PortSIPSpec.shared.operation("POST", "/users")!.bodySchema!, rules: .users)

    func body(_ json: JSON) -> JSONObject { json.objectValue! }

    func testAMisspeltFieldIsNamedWithTheNearestOne() {
        let problems = validator.problems(body(["nmae": "alice"]))
        let misspelt = problems.first { $0.field == "nmae" }
        XCTAssertEqual(misspelt?.message, "is not a field of createUser; Did you mean 'name'?")
    }

    func testEachFieldIsToldByItsFirstProblemOnly() {
        let problems = validator.problems(body(["name": "a", "extension_number": "12"]))
        let fields: [String] = problems.map { $0.field }
        XCTAssertGreaterThan(fields.count, Set(fields).count, "the schema and the rules both judge some fields")
        let first = RequestValidator.firstPerField(problems)
        var inOrder: [String] = []
        for field in fields where !inOrder.contains(field) { inOrder.append(field) }
        XCTAssertEqual(first.map { $0.field }, inOrder)
        let firstExtension = problems.first { $0.field == "extension_number" }
        XCTAssertEqual(first.first { $0.field == "extension_number" }, firstExtension)
    }

    func testAValidBodyHasNoProblem() {
        let valid: JSON = ["name": "alice", "display_name": "Alice", "email": "alice@example.com", "role": "StandardUser", "extension_number": "1001",
                                "password": "Pass#word1", "extension_password": "Sip#word1", "voicemail_pin": "385920", "enable_audio_recording": false]
        XCTAssertEqual(validator.problems(body(valid)), [])
    }
}
