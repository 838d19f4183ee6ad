import XCTest
@testable import PBXCLI

final class INITests: XCTestCase {
    let sample = """
        # pbxctl config
        [profile prod]            # config
        type = portsip
        url = https://pbx.example.com:8887
        domain = example.com       ; tenant SIP domain, optional
        default = true

        [profile chat]
        type = rocketchat
        user_id = "rbAX;PnM"
        """

    func testReadsSectionsValuesAndInlineComments() {
        let document = INIDocument(text: sample)
        XCTAssertEqual(document.sections, ["profile prod", "profile chat"])
        XCTAssertEqual(document.value("profile prod", "domain"), "example.com")
        XCTAssertEqual(document.value("profile prod", "url"), "https://pbx.example.com:8887")
        XCTAssertEqual(document.value("profile chat", "user_id"), "rbAX;PnM")
        XCTAssertNil(document.value("profile chat", "url"))
    }

    func testEditsKeepCommentsAndOrder() {
        var document = INIDocument(text: sample)
        document.set("profile prod", "username", "admin")
        document.set("profile prod", "url", "https://new.example.com")
        document.set("profile new", "type", "vonage")
        let text = document.text
        XCTAssertTrue(text.hasPrefix("# pbxctl config\n[profile prod]            # config\n"))
        XCTAssertTrue(text.contains("url = https://new.example.com\n"))
        XCTAssertTrue(text.contains("default = true\nusername = admin\n\n[profile chat]"), text)
        XCTAssertTrue(text.hasSuffix("\n[profile new]\ntype = vonage\n"))
    }

    func testRemoveKeysAndSections() {
        var document = INIDocument(text: sample)
        document.remove("profile prod", "default")
        XCTAssertNil(document.value("profile prod", "default"))
        document.removeSection("profile prod")
        XCTAssertEqual(document.sections, ["profile chat"])
        XCTAssertFalse(document.text.contains("example.com"))
        XCTAssertTrue(document.text.contains("# pbxctl config"))
    }

    func testRoundTripIsByteIdentical() {
        XCTAssertEqual(INIDocument(text: sample + "\n").text, sample + "\n")
    }
}
