import Foundation
import XCTest
@testable import PBXCLI
@testable import PBXEngine
import PBXJSON
import PBXSandbox

/// Bounded fuzzing (a fixed seed, so a failure reproduces): random and mutated
/// command lines from the grammar, run in-process against an in-process sandbox.
/// No crash; only docs/cli.md's exit codes; a usage error (exit 2) sends nothing
/// (with --nagios, 2 is a check's CRITICAL, after asking).
final class FuzzTests: XCTestCase {
    struct Generator {
        var random: SeededRandom
        init(state: UInt64) { random = SeededRandom(seed: state) }
        mutating func next() -> UInt64 { random.next() }
        mutating func int(_ bound: Int) -> Int { random.int(0..<max(bound, 1)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    }

    static let oddValues = ["", "-", "--", "0", "-1", "101", "1e309", "NaN", "true", "null", "@/nonexistent", "a=b", "=", "x=", "{}", "[1,",
                            "1001", "'quoted'", "é✓🙂", String(repeating: "A", count: 10_000), "\u{0}", "\u{FFFD}\u{FFFD}", "extension_number eq '1001'",
                            "2026-13-45T99:99:99Z", "../../etc/passwd", "cbn-001"]

    func testRandomCommandLinesNeverCrashOrSendOnUsageErrors() throws {
        let sandbox = Sandbox()
        try sandbox.start()
        defer { sandbox.stop() }
        let home = NSTemporaryDirectory() + "pbxctl-fuzz-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let base = sandbox.baseURL
        let environment = [
            "HOME": home, "PBXCTL_CONFIG": home + "/config", "PBXCTL_URL": base + "/portsip", "PBXCTL_TOKEN": "sandbox-portsip-token",
            "PBXCTL_ROCKETCHAT_URL": base + "/rocketchat", "PBXCTL_ROCKETCHAT_USER_ID": "rbAXPnMktTFbNpwtJ", "PBXCTL_ROCKETCHAT_AUTH_TOKEN": "sandbox-rocketchat-token",
            "PBXCTL_VONAGE_URL": base + "/vonage/useradmin", "PBXCTL_VONAGE_TOKEN_URL": base + "/vonage/Auth/connect/token",
            "PBXCTL_VONAGE_CLIENT_ID": "sandbox-client", "PBXCTL_VONAGE_CLIENT_SECRET": "sandbox-secret",
            "PBXCTL_BACKOFF_BASE_MS": "1",
        ]
        let root = RootCommand.build()
        // The long-running commands: the sandbox server itself, and polling until Ctrl-C.
        let commands = root.allCommands.filter { $0.run != nil && !$0.path.isEmpty && $0.path.first != "sandbox" && $0.path != ["registration", "watch"] }
        let allowed: Set<Int32> = [0, 1, 2, 3, 4, 5, 6, 7, 8]
        var generator = Generator(state: 20261123)
        var exitCounts: [Int32: Int] = [:]

        for iteration in 0..<1200 {
            let command = generator.pick(commands)
            if iteration % 2 == 0 {
                // Half the runs are well-formed, so the fuzzer also drives real requests.
                var argv = command.path
                for argument in command.arguments where !argument.optional || generator.chance(50) {
                    argv.append(generator.pick(["1001", "1002", "NzAwNTUxOTA5NzczMTQ4MTYx", "agent-30", "meeting-1", "group-1", "cq-1", "x"]))
                    if argument.variadic, generator.chance(50) { argv.append("1003") }
                }
                for flag in command.flags.filter({ $0.long != "wait" && $0.long != "password-stdin" }) where generator.chance(30) || flag.long == "yes" {
                    argv.append("--" + flag.long)
                    switch flag.kind {
                    case .bool: break
                    case .choice(let values): argv.append(generator.pick(values))
                    case .int, .number: argv.append(flag.long == "page-size" || flag.long == "limit" ? "5" : "1")
                    case .string: argv.append(flag.long == "data" ? "/nonexistent.json" : generator.pick(["x", "1001", "a=b"]))
                    }
                }
                argv += ["-o", generator.pick(GlobalFlags.outputFormats), "--retries", "0", "--timeout", "5"]
                let before = sandbox.totalRequests
                let code = PBXCLI.run(argv, io: IOContext(stdout: StringSink(), stderr: StringSink(), environment: environment))
                exitCounts[code, default: 0] += 1
                XCTAssertTrue(allowed.contains(code), "iteration \(iteration): exit \(code) for \(argv)")
                if code == 2, !argv.contains("--nagios") { XCTAssertEqual(sandbox.totalRequests, before, "iteration \(iteration): a usage error sent a request: \(argv)") }
                continue
            }
            var words = command.path
            if generator.chance(15) {
                // Mutate a command word: a typo, a truncation or junk.
                let index = generator.int(words.count)
                switch generator.int(3) {
                case 0: words[index] = String(words[index].dropLast())
                case 1: words[index] += "x"
                default: words[index] = generator.pick(Self.oddValues)
                }
            }
            var argv = words
            for _ in 0..<generator.int(4) { argv.append(generator.pick(Self.oddValues + ["1001", "NzAwNTUxOTA5NzczMTQ4MTYx", "agent-30"])) }
            let flags = (command.flags + GlobalFlags.all).filter { !["wait", "sandbox", "help", "version", "password-stdin", "latency"].contains($0.long) }
            for _ in 0..<generator.int(5) {
                guard !flags.isEmpty else { break }
                let flag = generator.pick(flags)
                var value: String
                switch flag.kind {
                case .choice(let values): value = generator.chance(70) ? generator.pick(values) : generator.pick(Self.oddValues)
                case .bool: value = ""
                default: value = generator.pick(Self.oddValues)
                }
                if flag.long == "timeout" { value = "2" }
                let name = generator.chance(10) ? "--" + flag.long + "z" : "--" + flag.long
                if flag.kind == .bool {
                    argv.append(generator.chance(10) ? name + "=" + generator.pick(["true", "false", "maybe"]) : name)
                } else if generator.chance(30) {
                    argv.append(name + "=" + value)
                } else {
                    argv.append(name)
                    if generator.chance(95) { argv.append(value) }
                }
            }
            if generator.chance(5) { argv.insert("--", at: generator.int(argv.count + 1)) }
            argv += ["--retries", "0", "--timeout", "5"]
            argv.shuffle(using: &generator)
            if generator.chance(60) {
                // Keep the command words first most of the time, so deeper paths are reached.
                argv.removeAll { words.contains($0) }
                argv = words + argv
            }

            let before = sandbox.totalRequests
            let io = IOContext(stdout: StringSink(), stderr: StringSink(), environment: environment)
            let code = PBXCLI.run(argv, io: io)
            exitCounts[code, default: 0] += 1
            XCTAssertTrue(allowed.contains(code), "iteration \(iteration): exit \(code) for \(argv.map { String($0.prefix(40)) })")
            if code == 2, !argv.contains("--nagios") {
                XCTAssertEqual(sandbox.totalRequests, before, "iteration \(iteration): a usage error sent a request: \(argv.map { String($0.prefix(40)) })")
            }
        }
        XCTAssertGreaterThan(exitCounts[2] ?? 0, 100, "the fuzzer reaches usage errors: \(exitCounts)")
        XCTAssertGreaterThan(exitCounts[0] ?? 0, 50, "and valid commands: \(exitCounts)")
    }

    func testMutatedJSONAndCSVInputsNeverCrash() {
        var generator = Generator(state: 7)
        let seeds = [#"{"a":[1,2,{"b":"c\u00e9"}],"d":null,"e":-1.5e3}"#, #"[true,false,"x\"y"]"#, "id,name\r\n1,\"a,\"\"b\"\"\"\r\n"]
        for _ in 0..<5000 {
            var bytes = Array(generator.pick(seeds).utf8)
            for _ in 0..<(1 + generator.int(6)) {
                let position = generator.int(bytes.count + 1)
                switch generator.int(4) {
                case 0 where position < bytes.count: bytes.remove(at: position)
                case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                case 2 where position < bytes.count: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                default: bytes.insert(contentsOf: Array("[{\"".utf8), at: position)
                }
            }
            if let parsed = try? JSONParser.parse(bytes) {
                XCTAssertEqual(try? JSONParser.parse(parsed.compactText), parsed, "what parses must round-trip")
            }
            _ = try? DelimitedText.parseCSV(String(decoding: bytes, as: UTF8.self))
        }
        XCTAssertThrowsError(try JSONParser.parse(Array(repeating: UInt8(ascii: "["), count: 100_000)), "deep nesting is refused, not a stack overflow")
    }
}

extension FuzzTests.Generator: RandomNumberGenerator {}
