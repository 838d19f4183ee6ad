import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXClient
import PBXSandbox

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

    /// Values an admin really uses: each must come back byte for byte.
    func testAwkwardValuesRoundTrip() {
        let values = ["pass #word", "pa;ss ;x", "\"q\"", "  spaced  ", " ", "", "a\\b", "\\", "\"", "x = y", "#lead", ";lead", "[profile x]", "naïve ✓ 🎉", "tail\\", "\\\"", "a\"b#c"]
        for value in values {
            var document = INIDocument()
            document.set("profile p", "password", value)
            XCTAssertEqual(INIDocument(text: document.text).value("profile p", "password"), value, "written as: \(document.text)")
        }
    }

    /// Random strings of the characters INI treats specially, mixed with arbitrary
    /// printable scalars (combining marks, emoji, other scripts); the seed is fixed so a
    /// failure reproduces.
    func testRandomStringsRoundTrip() {
        var random = SeededRandom(seed: 2026)
        let special = Array("ab Z9#;\"'\\=[] \u{00A0}\u{0301},.-_/:@$`".unicodeScalars)
        func scalar() -> Unicode.Scalar {
            if random.int(0..<2) == 0 { return special[random.int(0..<special.count)] }
            while true {
                let value = UInt32(random.int(0x20..<0x1_0000))
                if let scalar = Unicode.Scalar(value), !String(scalar).containsControlCharacter { return scalar }
            }
        }
        for _ in 0..<3_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<random.int(0..<24) { scalars.append(scalar()) }
            let value = String(scalars)
            var document = INIDocument(text: "# keep me\n[profile p]\ntype = portsip\n")
            document.set("profile p", "secret", value)
            document.set("profile p", "other", value + value)
            let reread = INIDocument(text: document.text)
            XCTAssertEqual(reread.value("profile p", "secret")?.unicodeScalars.map(\.value), value.unicodeScalars.map(\.value), "written as: \(document.text)")
            XCTAssertEqual(reread.value("profile p", "other"), value + value)
            XCTAssertEqual(reread.value("profile p", "type"), "portsip")
            XCTAssertEqual(reread.sections, ["profile p"])
        }
    }

    func testHandWrittenFilesStillRead() {
        let document = INIDocument(text: "[profile a]\r\nurl = https://a.example\r\nuser_id = \"rbAX;PnM\" ; quoted by hand\r\npath = C:\\dir\r\n")
        XCTAssertEqual(document.value("profile a", "url"), "https://a.example", "CRLF line ends are not part of the value")
        XCTAssertEqual(document.value("profile a", "user_id"), "rbAX;PnM")
        XCTAssertEqual(document.value("profile a", "path"), "C:\\dir")
    }

    func testStoreRefusesControlCharacters() throws {
        let folder = NSTemporaryDirectory() + "pbxctl-ini-" + UUID().uuidString
        let store = try ConfigStore(path: folder + "/config", warn: { _ in })
        for bad in ["tok\n[profile evil]", "a\rb", "nul\u{0}", "esc\u{1B}[2J", "del\u{7F}", "c1\u{85}"] {
            XCTAssertThrowsError(try store.setSecret("p", "token", bad))
            XCTAssertThrowsError(try store.setSetting("p", "url", bad))
        }
        XCTAssertEqual(store.config.text + store.credentials.text, "", "nothing was kept")
    }

    /// Import workers share one store: concurrent edits and reads neither crash nor lose a write.
    func testStoreIsSafeAcrossThreads() throws {
        let folder = NSTemporaryDirectory() + "pbxctl-ini-" + UUID().uuidString
        let store = try ConfigStore(path: folder + "/config", warn: { _ in })
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            do {
                try store.update {
                    try store.setSetting("p\(index)", "type", "portsip")
                    try store.setSecret("p\(index)", "token", "token-\(index)")
                }
                _ = try store.profiles()
            } catch {
                XCTFail("\(error)")
            }
        }
        let reread = try ConfigStore(path: folder + "/config", warn: { _ in })
        XCTAssertEqual(Set(reread.profileNames), Set((0..<64).map { "p\($0)" }))
        XCTAssertEqual(try reread.profile(named: "p17")?.secret("token"), "token-17")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }, [])
    }
}
