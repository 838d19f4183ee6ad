import Foundation
import XCTest

/// What each module may import (docs/architecture.md): the engine knows commands and
/// flags, never HTTP, profiles or backends; the JSON module knows nothing of pbxctl.
final class ModuleBoundaryTests: XCTestCase {
    static let allowed: [String: Set<String>] = [
        "PBXEngine": ["Foundation", "Glibc", "Darwin"],
        "PBXJSON": ["Foundation", "Glibc", "Darwin"],
        "PBXCrypto": ["Foundation", "PBXJSON"],
        "PBXCatalog": ["Foundation", "PBXJSON"],
        "PBXClient": ["Foundation", "Glibc", "Darwin", "PBXJSON", "CCurl"],
        "PBXSandbox": ["Foundation", "Glibc", "Darwin", "PBXJSON", "PBXCatalog", "PBXCrypto"],
        // libcurl is the client's alone.
        "PBXCLI": ["Foundation", "Glibc", "Darwin", "PBXEngine", "PBXJSON", "PBXCatalog", "PBXClient", "PBXSandbox", "PBXCrypto"],
        "pbxctl": ["PBXCLI"],
    ]

    func testModulesImportOnlyWhatTheirLayerAllows() throws {
        var violations: [String] = []
        for (module, allowed) in Self.allowed.sorted(by: { $0.key < $1.key }) {
            let folder = PBX.packageRoot.appendingPathComponent("Sources/\(module)")
            let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: folder.path), "no folder Sources/\(module)")
            var files = 0
            while let relative = walker.nextObject() as? String {
                guard relative.hasSuffix(".swift") else { continue }
                files += 1
                let text = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    // `@testable import`, `public import`, `@_exported internal import`: an import all the same.
                    let modifiers: Set<Substring> = ["public", "package", "internal", "fileprivate", "private"]
                    guard let index = words.firstIndex(of: "import"), words[..<index].allSatisfy({ $0.hasPrefix("@") || modifiers.contains($0) }),
                          index + 1 < words.count else { continue }
                    let imported = String(words[index + 1])
                    if !allowed.contains(imported) { violations.append("\(module)/\(relative) imports \(imported)") }
                }
            }
            XCTAssertGreaterThan(files, 0, "Sources/\(module) holds no Swift file")
        }
        XCTAssertEqual(violations, [])
    }

    func testTheEngineTargetDependsOnNothing() throws {
        let manifest = try String(contentsOf: PBX.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        XCTAssertTrue(manifest.contains(".target(name: \"PBXEngine\")"), "PBXEngine is declared without dependencies")
    }
}

/// Swift 6's checking is complete; where a type opts out with `@unchecked Sendable`,
/// its comment names the lock that makes it safe.
final class SendableJustificationTests: XCTestCase {
    func testEveryUncheckedSendableSaysWhichLockJustifiesIt() throws {
        let manifest = try String(contentsOf: PBX.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("swiftLanguageModes: [.v6]"), "the package builds in the Swift 6 language mode")
        let sources = PBX.packageRoot.appendingPathComponent("Sources")
        let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: sources.path))
        var unexplained: [String] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let lines = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() where line.contains("@unchecked Sendable") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                let comment = lines[..<index].reversed().prefix { $0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                if !comment.contains(where: { $0.contains("Sendable by") }) { unexplained.append("\(relative):\(index + 1)") }
            }
        }
        XCTAssertEqual(unexplained, [], "say above each which lock makes it Sendable (\"Sendable by `lock`, which guards …\")")
    }
}
