import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXCatalog
import PBXJSON

/// Answers are judged against the vendor document as requests are: status, body and
/// the fields the document names.
final class AnswerSchemaTests: XCTestCase {
    let answers = PortSIPAnswers.shared

    func violations(_ operationId: String, _ status: Int, _ body: String) -> [String] {
        answers.violations(operationId: operationId, status: status, body: Array(body.utf8))
    }

    func testOneCDRIsWrappedInItems() {
        XCTAssertEqual(violations("retrieveUserCDR", 200, #"{"items":{"caller":"1001","direction":"OUTBOUND_CALL"}}"#), [])
        XCTAssertFalse(violations("retrieveUserCDR", 200, #"{"caller":"1001","direction":"OUTBOUND_CALL"}"#).isEmpty, "a bare record is not the vendor's answer")
        XCTAssertFalse(violations("retrieveUserCDR", 200, #"{"items":{"direction":"OUTBOUND"}}"#).isEmpty, "enums are checked")
    }

    func testOneRecordingIsTheFirstOfItems() {
        XCTAssertEqual(violations("getUserRecording", 200, #"{"items":[{"file_url":"/api/blobs/x","file_size":3}]}"#), [])
        XCTAssertFalse(violations("getUserRecording", 200, #"{"id":"r","file_url":"/api/blobs/x"}"#).isEmpty)
        XCTAssertFalse(violations("listUserRecordings", 200, #"{"count":1,"items":[{"id":"r","file_url":"/x"}]}"#).isEmpty,
                       "a list of recordings does not carry file_url")
    }

    func testStatusesAndEmptyBodies() {
        XCTAssertEqual(violations("createPersonalContactSyncToken", 201, #"{"token":"t"}"#), [])
        XCTAssertFalse(violations("createPersonalContactSyncToken", 200, #"{"token":"t"}"#).isEmpty, "a new token is 201 Created")
        XCTAssertEqual(violations("deleteUser", 204, ""), [])
        XCTAssertFalse(violations("deleteUser", 204, "{}").isEmpty, "204 has no body")
        XCTAssertEqual(violations("showUser", 404, #"{"errors":[]}"#), [], "4XX bodies are not specified")
        XCTAssertFalse(violations("listCurrentUserBelongedRingGroups", 200, #"{"count":1,"items":[]}"#).isEmpty, "unpaged lists have no count")
        XCTAssertFalse(violations("showUser", 200, "not json").isEmpty)
    }

    func testCDRChangesNestTheirLegs() {
        XCTAssertEqual(violations("listPersonalCdrChanges", 200, #"{"token":"t","items":[{"id":"c","change_type":"CREATED","items":[{"caller":"1"}]}]}"#), [])
        XCTAssertFalse(violations("listPersonalCdrChanges", 200, #"{"token":"t","items":[{"id":"c","change_type":"CREATED","caller":"1"}]}"#).isEmpty)
    }

    /// Each `get` command reads its record where the vendor document puts it.
    func testEveryGetReadsTheRecordWhereTheVendorPutsIt() throws {
        for operation in PortSIPCatalog.all where operation.shape == .get {
            let spec = try XCTUnwrap(operation.specOperation, operation.path)
            let schema = try XCTUnwrap(answers.schema(operationId: spec.operationId, status: 200), spec.operationId)
            var expected: String?
            if SchemaValidator.propertyNames(of: schema) == ["items"], let items = SchemaValidator.schema(of: schema, path: "items") {
                expected = SchemaValidator.type(of: items) == "array" ? "items.0" : "items"
            }
            XCTAssertEqual(operation.recordPath, expected, "\(operation.words.joined(separator: " ")) (\(spec.operationId))")
        }
    }

    func testRecordExtraction() {
        let cdr: JSON = ["items": ["caller": "1001"]]
        XCTAssertEqual(AnswerRecord.extract(cdr, at: "items"), ["caller": "1001"])
        let recording: JSON = ["items": [["file_url": "/x"]]]
        XCTAssertEqual(AnswerRecord.extract(recording, at: "items.0"), ["file_url": "/x"])
        XCTAssertNil(AnswerRecord.extract(["items": []], at: "items.0"))
        XCTAssertEqual(AnswerRecord.extract(cdr, at: nil), cdr)
    }
}

extension AnswerSchemaTests {
    /// The one gap in the vendor document: login's 200 is the token object, as a refresh's is.
    func testLoginAnswersATokenLikeARefresh() {
        XCTAssertEqual(violations("login", 200, #"{"access_token":"a","expires_in":3600,"refresh_token":"r","token_type":"Bearer"}"#), [])
        XCTAssertFalse(violations("login", 200, #"{"token":"a"}"#).isEmpty)
    }
}
