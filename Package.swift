// swift-tools-version:6.0
import PackageDescription

// pbxctl depends on no third-party package: Foundation, Dispatch, XCTest and the
// system's C libraries (libcurl is loaded at run time with dlopen) only.
let package = Package(
    name: "pbxctl",
    products: [
        .executable(name: "pbxctl", targets: ["pbxctl"])
    ],
    targets: [
        .executableTarget(name: "pbxctl", dependencies: ["PBXCLI"]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "PBXJSON"),
        // The command-line engine: command tree, parser, help, completions and reference
        // docs. It imports no HTTP client, so it can be reused and tested alone.
        .target(name: "PBXEngine"),
        .target(name: "PBXCrypto", dependencies: ["PBXJSON"]),
        .target(name: "PBXCatalog", dependencies: ["PBXJSON"]),
        .target(name: "PBXClient", dependencies: ["PBXJSON", "CCurl"]),
        .target(name: "PBXSandbox", dependencies: ["PBXJSON", "PBXCatalog", "PBXCrypto"]),
        .target(name: "PBXCLI", dependencies: ["PBXEngine", "PBXJSON", "PBXCatalog", "PBXClient", "PBXSandbox", "PBXCrypto"]),
        .testTarget(name: "PBXUnitTests", dependencies: ["PBXCLI", "PBXEngine", "PBXJSON", "PBXCatalog", "PBXClient", "PBXSandbox", "PBXCrypto"]),
        .testTarget(name: "PBXEndToEndTests", dependencies: ["PBXJSON"], exclude: ["seed-operations.txt"]),
    ],
    swiftLanguageModes: [.v6]
)
