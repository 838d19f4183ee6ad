import Foundation
import XCTest

/// Runs the built `pbxctl` binary as a user would: a real process, real loopback sockets.
enum PBX {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pbxctl").path,
            Bundle.main.bundleURL.appendingPathComponent("pbxctl").path,
            packageRoot.appendingPathComponent(".build/debug/pbxctl").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    struct Result {
        let code: Int32
        let stdout: String
        let stderr: String
    }

    /// A clean environment: no PBXCTL_* from the developer's shell, a private config folder.
    static func environment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PBXCTL_") && $0.key != "NO_COLOR" }
        env["HOME"] = home
        env["XDG_CONFIG_HOME"] = home + "/.config"
        env["PBXCTL_BACKOFF_BASE_MS"] = "20"
        for (key, value) in extra { env[key] = value }
        return env
    }

    @discardableResult
    static func run(_ arguments: [String], env: [String: String], stdin: String? = nil, executable: String = binary, file: StaticString = #filePath, line: UInt = #line) -> Result {
        do {
            let (process, out, err) = try start(arguments, env: env, stdin: stdin, executable: executable)
            return finish(process, out: out, err: err)
        } catch {
            XCTFail("cannot run \(executable): \(error)", file: file, line: line)
            return Result(code: -1, stdout: "", stderr: "")
        }
    }

    /// Starts pbxctl with its standard input written and closed; `finish` collects it.
    static func start(_ arguments: [String], env: [String: String], stdin: String? = nil, executable: String = binary) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        return (process, out, err)
    }

    /// Reads both pipes concurrently (so a large output cannot block the child), then waits for it.
    static func finish(_ process: Process, out: Pipe, err: Pipe) -> Result {
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(code: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Starts pbxctl with `-v`, and once its trace on stderr shows `marker` `count` times
    /// (the request it is to be stopped in has been sent, an answer has come), sends
    /// `signal`: the signal lands where the test means it to on a fast or a loaded
    /// machine alike, with no fixed sleep. Returns the exit code, the seconds from the
    /// signal to the exit, and stderr.
    static func signalled(_ arguments: [String], env: [String: String], once marker: String, count: Int = 1, signal: Int32 = SIGINT,
                          file: StaticString = #filePath, line: UInt = #line) throws -> (code: Int32, seconds: Double, stderr: String) {
        final class Trace: @unchecked Sendable {
            let lock = NSLock()
            var data = Data()
            var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["-v"]
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        let trace = Trace()
        let drained = DispatchGroup()
        drained.enter()
        DispatchQueue.global().async {
            while case let chunk = err.fileHandleForReading.availableData, !chunk.isEmpty { trace.lock.withLock { trace.data.append(chunk) } }
            drained.leave()
        }
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        // A generous bound only for a run that never gets there; the test then fails below.
        let deadline = Date().addingTimeInterval(30)
        while trace.text.components(separatedBy: marker).count - 1 < count, process.isRunning, Date() < deadline { usleep(5_000) }
        XCTAssertTrue(process.isRunning, "\(arguments) was still working when signalled: \(trace.text.suffix(500))", file: file, line: line)
        XCTAssertGreaterThanOrEqual(trace.text.components(separatedBy: marker).count - 1, count, "\(arguments) never traced \(marker)", file: file, line: line)
        let sent = Date()
        kill(process.processIdentifier, signal)
        exited.wait()
        let seconds = Date().timeIntervalSince(sent)
        drained.wait()
        return (process.terminationStatus, seconds, trace.text)
    }

    /// script(1)'s arguments to run pbxctl on a pseudo-terminal `columns` wide.
    static func scriptArguments(_ arguments: [String], columns: Int) -> [String] {
        func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return ["-qec", "stty cols \(columns) rows 40; exec " + ([binary] + arguments).map(quoted).joined(separator: " "), "/dev/null"]
    }

    /// Runs pbxctl on a pseudo-terminal of `columns` columns through script(1), typing
    /// `input`; stdout and stderr arrive mixed, with the terminal's CR LF made LF.
    static func runInTerminal(_ arguments: [String], env: [String: String], input: String = "", columns: Int = 80) -> Result {
        let result = run(scriptArguments(arguments, columns: columns), env: env, stdin: input, executable: "/usr/bin/script")
        return Result(code: result.code, stdout: result.stdout.replacingOccurrences(of: "\r\n", with: "\n"), stderr: result.stderr)
    }

    /// Drives pbxctl on a pseudo-terminal as a person would: waits for each prompt to
    /// appear, then types its answer. Returns the transcript (stdout and stderr mixed).
    static func converse(_ arguments: [String], env: [String: String], _ steps: [(prompt: String, answer: String)]) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = scriptArguments(arguments, columns: 80)
        process.environment = env
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        final class Transcript: @unchecked Sendable {
            let lock = NSLock()
            var data = Data()
            var ended = false
            var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
        }
        let transcript = Transcript()
        let finished = DispatchGroup()
        finished.enter()
        DispatchQueue.global().async {
            while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
                transcript.lock.withLock { transcript.data.append(chunk) }
            }
            transcript.lock.withLock { transcript.ended = true }
            finished.leave()
        }
        guard (try? process.run()) != nil else { return Result(code: -1, stdout: "", stderr: "cannot run script(1)") }
        var seen = 0
        for step in steps {
            let deadline = Date().addingTimeInterval(20)
            var found = false
            while !found, Date() < deadline {
                let text = transcript.text
                if let range = text.range(of: step.prompt, range: text.index(text.startIndex, offsetBy: min(seen, text.count))..<text.endIndex) {
                    seen = text.distance(from: text.startIndex, to: range.upperBound)
                    found = true
                } else if transcript.lock.withLock({ transcript.ended }) {
                    break
                } else {
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
            guard found else { break }
            input.fileHandleForWriting.write(Data((step.answer + "\n").utf8))
        }
        try? input.fileHandleForWriting.close()
        // A pbxctl still waiting for an answer never typed must not hang the suite; the
        // closed terminal then hangs it up.
        let exitDeadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        finished.wait()
        return Result(code: process.terminationStatus, stdout: transcript.text.replacingOccurrences(of: "\r\n", with: "\n"), stderr: "")
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "pbxctl-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Any? {
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) } catch {
            XCTFail("not JSON: \(error): \(text.prefix(300))", file: file, line: line)
            return nil
        }
    }

    /// A port nothing listens on: a request there fails with exit 5, so exit 0 or 2
    /// proves nothing was sent.
    static let closedURL = "http://127.0.0.1:9"
}

/// `pbxctl sandbox --port 0` in its own process, for tests that need state across commands.
final class SandboxProcess {
    let process = Process()
    private(set) var baseURL = ""
    let home: String

    /// `environment` (a `PBX.environment`) when the sandbox should write that home's config.
    init(arguments: [String] = [], environment: [String: String]? = nil) throws {
        home = environment?["HOME"] ?? PBX.temporaryDirectory()
        process.executableURL = URL(fileURLWithPath: PBX.binary)
        process.arguments = ["sandbox", "--port", "0"] + arguments
        process.environment = environment ?? PBX.environment(home: home)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"listening on (http://[0-9.:]+)"#, options: .regularExpression) {
                baseURL = String(seen[range].dropFirst("listening on ".count))
                break
            }
        }
        guard !baseURL.isEmpty else { throw NSError(domain: "sandbox did not start: \(seen)", code: 1) }
        // Keep draining stdout so the child never blocks on a full pipe.
        DispatchQueue.global().async { while !out.fileHandleForReading.availableData.isEmpty {} }
    }

    /// A fresh home with a PortSIP profile for this sandbox, logged in as its admin
    /// (a real session with a refresh token, unlike the fixed token of `env`).
    func loggedIn(_ name: String = "lab", file: StaticString = #filePath, line: UInt = #line) -> (home: String, env: [String: String]) {
        let home = PBX.temporaryDirectory()
        let env = PBX.environment(home: home)
        XCTAssertEqual(PBX.run(["config", "set", name, "--type", "portsip", "--url", baseURL + "/portsip", "username=admin"], env: env).code, 0, file: file, line: line)
        let login = PBX.run(["login", "-p", name, "--password-stdin"], env: env, stdin: "sandbox\n")
        XCTAssertEqual(login.code, 0, login.stderr, file: file, line: line)
        return (home, env)
    }

    /// Environment that points PortSIP commands at this sandbox with its fixed token.
    func env(_ extra: [String: String] = [:]) -> [String: String] {
        PBX.environment(home: home, extra: ["PBXCTL_URL": baseURL + "/portsip", "PBXCTL_TOKEN": "sandbox-portsip-token"].merging(extra) { $1 })
    }

    /// A plain GET or POST on the sandbox (its test-only controls), through curl(1).
    func get(_ path: String, method: String = "GET") throws -> Data {
        try Self.request(baseURL + path, method: method)
    }

    /// The same, by URL alone: for a closure on another thread, which takes the string.
    static func request(_ url: String, method: String = "GET") throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS", "-X", method, url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// What the sandbox served, by operationId, and the faults it injected, by kind.
    func stats() throws -> (operations: [String: Int], faults: [String: Int]) {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: get("/_sandbox/stats")) as? [String: Any])
        return ((object["portsip"] as? [String: Int]) ?? [:], (object["faults"] as? [String: Int]) ?? [:])
    }

    /// Answers the sandbox sent that the vendor document does not allow (it answered 500 instead).
    func answerViolations() throws -> [String] {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: get("/_sandbox/stats")) as? [String: Any])
        return try XCTUnwrap(object["answer_violations"] as? [String], "the sandbox reports the answers it checked")
    }

    /// Every request the sandbox received: its target as sent, and whether it carried credentials.
    func requests() throws -> [(target: String, credentials: Bool)] {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: get("/_sandbox/requests")) as? [String: Any])
        return ((object["requests"] as? [[String: Any]]) ?? []).map { ($0["target"] as? String ?? "", $0["credentials"] as? Bool ?? false) }
    }

    func stop() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A test class whose tests share one sandbox process, started with `sandboxArguments`.
class SandboxTestCase: XCTestCase {
    class var sandboxArguments: [String] { [] }
    // Filled in a class's setUp, read by its tests, emptied in its tearDown: XCTest runs them one at a time.
    nonisolated(unsafe) static var sandboxes: [ObjectIdentifier: SandboxProcess] = [:]

    override class func setUp() {
        super.setUp()
        sandboxes[ObjectIdentifier(self)] = try! SandboxProcess(arguments: sandboxArguments)
    }

    override class func tearDown() {
        sandboxes.removeValue(forKey: ObjectIdentifier(self))?.stop()
        super.tearDown()
    }

    var sandbox: SandboxProcess { Self.sandboxes[ObjectIdentifier(type(of: self))]! }

    /// Every answer of every test fits the vendor document, not just what pbxctl reads.
    override func tearDownWithError() throws {
        XCTAssertEqual(try sandbox.answerViolations(), [], "the sandbox answered outside the vendor document")
        try super.tearDownWithError()
    }
    var env: [String: String] { sandbox.env() }
}
