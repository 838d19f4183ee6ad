import Foundation
import XCTest

/// docs/pbxctl.1 (generated from the command tree; CompletionAndDocsTests checks it is
/// current) is complete and clean.
final class ManPageTests: XCTestCase {
    func read(_ path: String) throws -> String {
        try String(contentsOf: PBX.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    func testEnvironmentListsEveryVariableTheConfigurationGuideNames() throws {
        let guide = try read("docs/configuration.md")
        let regex = try NSRegularExpression(pattern: #"\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b|\bTERM\b"#)
        let names = Set(regex.matches(in: guide, range: NSRange(guide.startIndex..., in: guide)).compactMap { Range($0.range, in: guide).map { String(guide[$0]) } })
        XCTAssertTrue(names.contains("PBXCTL_PROFILE") && names.contains("NO_COLOR"), "the guide's variables were found: \(names)")
        let man = try read("docs/pbxctl.1")
        let section = try XCTUnwrap(man.components(separatedBy: ".SH ENVIRONMENT\n").last?.components(separatedBy: "\n.SH ").first)
        let listed = Set(section.split(separator: "\n").filter { $0.hasPrefix(".B ") }.map { String($0.dropFirst(3)) })
        XCTAssertEqual(names.subtracting(listed).sorted(), [], "variables docs/configuration.md names that the man page does not list")
    }

    func testGroffPrintsNoWarning() throws {
        guard let groff = ["/usr/bin/groff", "/usr/local/bin/groff", "/opt/homebrew/bin/groff"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("groff is not installed")
        }
        let result = PBX.run(["-ww", "-man", "-Tutf8", "-z", PBX.packageRoot.appendingPathComponent("docs/pbxctl.1").path], env: ProcessInfo.processInfo.environment, executable: groff)
        XCTAssertEqual(result.code, 0)
        XCTAssertEqual(result.stderr, "", "groff warns")
    }
}
