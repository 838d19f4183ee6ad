import Foundation
import XCTest

/// `users import` stopped by Ctrl-C, which needs a real process to signal; the rest of
/// import and export runs in-process (PBXUnitTests/InProcess/ImportExportEndToEndTests.swift).
final class ImportExportEndToEndTests: XCTestCase {
    func write(_ text: String, _ name: String) -> String {
        let path = PBX.temporaryDirectory() + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let header = "name,display_name,email,role,extension_number,password,extension_password,voicemail_pin,office_hours.mode"

    func row(_ index: Int, name: String? = nil, pin: String = "385920") -> String {
        "\(name ?? "imp.user\(index)"),Imported \(index),imp\(index)@example.com,StandardUser,\(8000 + index),Pass#\(index),Sip#\(index),\(pin),"
    }
}

extension ImportExportEndToEndTests {
    /// Ctrl-C mid-import: exit 130, the rows not sent are listed, and a re-run with
    /// --skip-existing creates exactly the rest.
    func testInterruptedImportResumesWithoutDuplicates() throws {
        let sandbox = try SandboxProcess(arguments: ["--users", "0", "--latency", "40"])
        defer { sandbox.stop() }
        let file = write(([Self.header] + (1...200).map { row($0) }).joined(separator: "\n") + "\n", "big.csv")
        // Ctrl-C once ten creates have been answered: part way, whatever the machine's speed.
        XCTAssertEqual(try PBX.signalled(["users", "import", file, "--concurrency", "2"], env: sandbox.env(), once: "< 201 ", count: 10).code, 130)
        let failed = try String(contentsOfFile: file + ".failed.csv", encoding: .utf8)
        XCTAssertTrue(failed.contains("not attempted: interrupted"), failed.prefix(300).description)
        let createdBefore = try sandbox.stats().operations["createUser"] ?? 0
        XCTAssertGreaterThan(createdBefore, 0)
        XCTAssertLessThan(createdBefore, 200)

        let resume = PBX.run(["users", "import", file, "--skip-existing"], env: sandbox.env())
        XCTAssertEqual(resume.code, 0, resume.stderr)
        let names = PBX.run(["users", "list", "--all", "-q"], env: sandbox.env()).stdout.split(separator: "\n")
        XCTAssertEqual(names.count, 200, "every user exactly once")
        XCTAssertEqual(try sandbox.stats().operations["createUser"], 200, "no create was sent twice")
    }
}

