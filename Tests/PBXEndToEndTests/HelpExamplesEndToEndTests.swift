import Foundation
import XCTest

/// Every example help prints runs as printed, without a terminal, against a fresh sandbox.
///
/// The examples are read from `pbxctl __reference commands` (the same text help and the man
/// page are made from) and run in the order help prints them, each command group (`users`,
/// `meetings`, `config`, …) in turn, in one working folder holding only what a reader of the
/// examples would have:
/// - a default PortSIP and a default Vonage profile, and the profiles the examples name
///   (`prod`, `other`, `chat`, `dialer`, `old-pbx`), all pointing at the sandbox with its
///   public credentials, because an example that names a profile assumes the reader made it;
/// - the input files the examples name (`alice.json`, `sip-password.txt`, …) and the folder
///   fish reads completions from; files an earlier example writes (`users.csv`, `roster.csv`)
///   are left to that example;
/// - `$PBX_PASSWORD` and `$NEW_PASSWORD`, which the examples that pipe a password read;
/// - stdin closed (no terminal): secrets come from --password-stdin or -F KEY=@FILE as printed.
/// The config is put back before each command group, because the `config` examples change
/// which profile is the default. Commands that run until interrupted (`sandbox`,
/// `registration watch`) are interrupted once they print their first line, and must stop cleanly
/// (0, or 130 for the ones that report the interruption). Examples run under bash, the shell
/// `source <(pbxctl completion bash)` is written for.
final class HelpExamplesEndToEndTests: XCTestCase {
    /// Commands that run until Ctrl-C.
    static let longRunning = ["pbxctl sandbox", "pbxctl registration watch"]

    struct Example {
        let group: String
        let line: String
    }

    /// The examples of `__reference commands`, in order, with the group of the command they belong to.
    static func examples(_ reference: String) -> [Example] {
        var result: [Example] = []
        var group = ""
        var inExamples = false, inBlock = false
        for line in reference.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## pbxctl ") {
                group = line.dropFirst("## pbxctl ".count).split(separator: " ").first.map(String.init) ?? ""
                inExamples = false
            } else if line == "Examples:" {
                inExamples = true
            } else if inExamples, line.hasPrefix("```") {
                inBlock.toggle()
                if !inBlock { inExamples = false }
            } else if inBlock, !line.isEmpty {
                result.append(Example(group: group, line: line))
            }
        }
        return result
    }

    func testEveryHelpExampleRunsAsPrinted() throws {
        let home = PBX.temporaryDirectory()
        let work = PBX.temporaryDirectory()
        let bin = PBX.temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: bin + "/pbxctl", withDestinationPath: PBX.binary)
        var env = PBX.environment(home: home, extra: ["PBX_PASSWORD": "sandbox", "NEW_PASSWORD": "Autumn-Leaf-2026", "PWD": work])
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        let sandbox = try SandboxProcess(environment: env)
        defer { sandbox.stop() }

        func pbxctl(_ arguments: [String], stdin: String? = nil) throws {
            let result = PBX.run(arguments, env: env, stdin: stdin)
            guard result.code == 0 else { throw NSError(domain: "setup \(arguments): \(result.stderr)", code: Int(result.code)) }
        }
        let portsip = ["--type", "portsip", "--url", sandbox.baseURL + "/portsip", "username=admin", "token=sandbox-portsip-token"]
        try pbxctl(["config", "set", "pbx"] + portsip + ["default=true"])
        for name in ["prod", "other", "old-pbx"] { try pbxctl(["config", "set", name] + portsip) }
        try pbxctl(["config", "set", "chat", "--type", "rocketchat", "--url", sandbox.baseURL + "/rocketchat", "user_id=rbAXPnMktTFbNpwtJ", "username=agent", "auth_token=sandbox-rocketchat-token"])
        try pbxctl(["config", "set", "dialer", "--type", "commpeak", "--url", sandbox.baseURL + "/commpeak", "username=apiuser", "password=sandbox"])
        try pbxctl(["config", "set", "contact-center", "--type", "vonage", "--url", sandbox.baseURL + "/vonage/useradmin", "token_url=" + sandbox.baseURL + "/vonage/Auth/connect/token", "client_id=sandbox-client", "client_secret=sandbox-secret", "default=true"])
        let configFolder = home + "/.config"
        let pristine = PBX.temporaryDirectory() + "/config"
        try FileManager.default.copyItem(atPath: configFolder, toPath: pristine)

        try FileManager.default.createDirectory(atPath: home + "/.config/fish/completions", withIntermediateDirectories: true)
        let files = [
            "alice.json": #"{"name": "alice.cooper", "display_name": "Alice Cooper", "email": "alice.cooper@example.com", "role": "StandardUser", "extension_number": "1302", "password": "Correct-horse-9", "extension_password": "Sip-secret-2026", "voicemail_pin": "482913"}"#,
            "new-hires.csv": "name,display_name,email,role,extension_number,password,extension_password,voicemail_pin\nzoe.king,Zoe King,zoe.king@example.com,StandardUser,1401,Correct-horse-7,Sip-secret-7,581204\n",
            // The sandbox admin's password (what `login` sends), and the one `me set-password` sets.
            "password.txt": "sandbox\n",
            "old-password.txt": "sandbox\n",
            "new-password.txt": "Winter-Sky-2026\n",
            "phone-password.txt": "Phone-web-2026\n",
            "old-sip-password.txt": "sandbox\n",
            "sip-password.txt": "Sip-secret-2026\n",
            "pin.txt": "482913\n",
        ]
        for (name, text) in files { try text.write(toFile: work + "/" + name, atomically: true, encoding: .utf8) }

        let reference = PBX.run(["__reference", "commands"], env: env)
        XCTAssertEqual(reference.code, 0)
        let examples = Self.examples(reference.stdout)
        XCTAssertGreaterThan(examples.count, 100, "the reference lists the examples")

        var failures: [String] = []
        var group = ""
        for example in examples {
            if example.group != group {
                group = example.group
                try? FileManager.default.removeItem(atPath: configFolder + "/pbxctl")
                for item in try FileManager.default.contentsOfDirectory(atPath: pristine) {
                    try? FileManager.default.removeItem(atPath: configFolder + "/" + item)
                    try FileManager.default.copyItem(atPath: pristine + "/" + item, toPath: configFolder + "/" + item)
                }
                try FileManager.default.createDirectory(atPath: home + "/.config/fish/completions", withIntermediateDirectories: true)
            }
            let expected: Int32
            let result: PBX.Result
            if Self.longRunning.contains(where: { example.line.hasPrefix($0) }) {
                expected = 130
                result = Self.runInterrupted(example.line, env: env, in: work)
            } else {
                expected = 0
                result = Self.runShell(example.line, env: env, in: work)
            }
            if result.code != expected, !(expected == 130 && result.code == 0) {
                failures.append("\(example.line)\n    exit \(result.code), expected \(expected): \(result.stderr.split(separator: "\n").first ?? "")")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(examples.count) examples fail as printed:\n" + failures.joined(separator: "\n"))
        XCTAssertEqual(try sandbox.answerViolations(), [], "the sandbox answered outside the vendor document")
    }

    /// `bash -c LINE` in `folder`, stdin closed: the way a script runs an example.
    static func runShell(_ line: String, env: [String: String], in folder: String) -> PBX.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", line]
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return PBX.Result(code: -1, stdout: "", stderr: "cannot run /bin/bash") }
        return PBX.finish(process, out: out, err: err)
    }

    /// Runs a command that serves or watches until Ctrl-C, and presses Ctrl-C once it has
    /// printed its first line (the sandbox's address, the watch's first state): by then it
    /// is serving or watching, whatever the machine's speed, so the interrupt tests the
    /// loop and not the start-up. A command that never prints is interrupted after a
    /// generous timeout and judged by its exit code as before.
    static func runInterrupted(_ line: String, env: [String: String], in folder: String) -> PBX.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // exec so that the interrupt reaches pbxctl itself, not the shell; a pipeline stays with the shell.
        process.arguments = ["-c", line.contains("|") ? line : "exec " + line]
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let printed = DispatchSemaphore(value: 0)
        let drained = DispatchGroup()
        drained.enter()
        DispatchQueue.global().async {
            var seen = Data(), signalled = false
            while case let chunk = out.fileHandleForReading.availableData, !chunk.isEmpty {
                seen.append(chunk)
                if !signalled, seen.contains(UInt8(ascii: "\n")) {
                    signalled = true
                    printed.signal()
                }
            }
            if !signalled { printed.signal() }
            drained.leave()
        }
        guard (try? process.run()) != nil else { return PBX.Result(code: -1, stdout: "", stderr: "cannot run /bin/bash") }
        _ = printed.wait(timeout: .now() + 30)
        if line.contains("|") {
            // Ctrl-C reaches every process of the pipeline, not just the shell.
            _ = PBX.run(["-INT", "-P", String(process.processIdentifier)], env: env, executable: "/usr/bin/pkill")
        }
        process.interrupt()
        process.waitUntilExit()
        drained.wait()
        return PBX.Result(code: process.terminationStatus, stdout: "", stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
