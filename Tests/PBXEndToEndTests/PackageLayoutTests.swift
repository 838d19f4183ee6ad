import Foundation
import XCTest

/// `swift build` prints no warning: SwiftPM warns about any file in a target's folder
/// that is neither Swift source nor declared as a resource or an exclusion.
final class PackageLayoutTests: XCTestCase {
    func testEveryNonSourceFileInATargetIsDeclared() throws {
        let manifest = try String(contentsOf: PBX.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        var undeclared: [String] = []
        for top in ["Sources", "Tests"] {
            let root = PBX.packageRoot.appendingPathComponent(top)
            let targets = try FileManager.default.contentsOfDirectory(atPath: root.path)
            for target in targets {
                guard let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(target).path) else { continue }
                while let relative = walker.nextObject() as? String {
                    var isDirectory: ObjCBool = false
                    let path = root.appendingPathComponent(target).appendingPathComponent(relative).path
                    let name = (relative as NSString).lastPathComponent
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, !name.hasPrefix(".") else { continue }
                    if ["swift", "c", "h"].contains((name as NSString).pathExtension) { continue }
                    if !manifest.contains("\"\(relative)\"") { undeclared.append("\(top)/\(target)/\(relative)") }
                }
            }
        }
        XCTAssertEqual(undeclared, [], "declare these in Package.swift (exclude: or resources:) or SwiftPM warns on every build")
    }
}
