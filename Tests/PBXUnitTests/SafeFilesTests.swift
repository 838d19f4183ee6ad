import Foundation
import XCTest
@testable import PBXCLI
@testable import PBXEngine

final class SafeFilesTests: XCTestCase {
    func testServerChosenNamesArePlainVisibleFileNames() {
        let cases: [(String, String)] = [
            ("recording-1.wav", "recording-1.wav"), ("../../etc/cron.d/x", "x"), ("/etc/passwd", "passwd"), (".bashrc", "bashrc"),
            ("..", "fallback.wav"), ("", "fallback.wav"), ("dir\\..\\.profile", "profile"), ("a\u{1B}]0;pwned\u{07}b.wav", "a]0;pwnedb.wav"),
            ("\u{202E}vaw.exe", "vaw.exe"), ("call\r\n.wav", "call.wav"), ("-rf", "rf"), ("\u{9B}31m.wav", "31m.wav"),
        ]
        for (name, expected) in cases {
            XCTAssertEqual(SafeFiles.safeName(name, fallback: "fallback.wav"), expected, name.debugDescription)
        }
        XCTAssertLessThanOrEqual(SafeFiles.safeName(String(repeating: "é", count: 500), fallback: "f").utf8.count, 200)
    }

    func testTemporaryFilesAreNewUnpredictableAndNeverFollowLinks() throws {
        let dir = NSTemporaryDirectory() + "pbxctl-safe-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try SafeFiles.createTemporary(beside: dir + "/r.wav")
        let second = try SafeFiles.createTemporary(beside: dir + "/r.wav")
        close(first.fd)
        close(second.fd)
        XCTAssertNotEqual(first.path, second.path)
        XCTAssertFalse(first.path.contains(String(getpid())), "not named after the pid")
        // A symlink planted at a name is not written through.
        let victim = dir + "/victim"
        XCTAssertTrue(FileManager.default.createFile(atPath: victim, contents: Data("keep".utf8)))
        try FileManager.default.createSymbolicLink(atPath: dir + "/planted", withDestinationPath: victim)
        XCTAssertEqual(SafeFiles.openExclusive(dir + "/planted"), -1)
        XCTAssertEqual(SafeFiles.openExclusive(first.path), -1, "an existing file is not reused")
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep")
    }
}
