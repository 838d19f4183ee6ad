import Foundation
import PBXClient
import PBXEngine
import PBXSandbox

/// `pbxctl sandbox`: all four APIs from memory on one loopback port.
enum SandboxCommand {
    static var command: Command {
        Command("sandbox", "Serve all four APIs from memory on a loopback port",
                details: "Serve the PortSIP, Rocket.Chat, Vonage and CommPeak APIs from memory, seeded with demo data, with the real servers' paths, status codes, error bodies and auth rules. It prints the credentials it accepts; --write-config adds sandbox-* profiles. Ctrl-C stops it.",
                flags: [
                    Flag("host", .string, value: "ADDR", default: "127.0.0.1", help: "address to listen on"),
                    Flag("port", .int, value: "PORT", default: "8887", help: "port to listen on (0 picks a free one)"),
                    Flag("write-config", help: "add sandbox-* profiles for this sandbox to the config and credentials files"),
                    Flag("users", .int, value: "N", default: "250", help: "how many users to seed"),
                    Flag("cdrs", .int, value: "N", default: "500", help: "how many CDRs to seed"),
                    Flag("signed-registration", help: "Rocket.Chat answers registration requests with an HS256 JWS, as when a VoIP JWT secret is set"),
                    Flag("latency", .int, value: "MS", hidden: true, help: "test only: delay every answer"),
                    Flag("fail-rate", .number, value: "P", hidden: true, help: "test only: answer 503 with probability P"),
                    Flag("rate-limit", .int, value: "N", hidden: true, help: "test only: answer 429 past N requests a second"),
                    Flag("max-in-flight", .int, value: "N", hidden: true, help: "test only: answer 429 to a request that arrives while N are being served"),
                    Flag("drop-rate", .number, value: "P", hidden: true, help: "test only: close the connection mid-answer with probability P"),
                    Flag("token-ttl", .int, value: "SEC", hidden: true, help: "test only: lifetime of issued tokens"),
                    Flag("fault-seed", .int, value: "N", hidden: true, help: "test only: seed of the fault injector"),
                    Flag("no-answer-check", hidden: true, help: "benchmarks only: skip checking answers against the vendor document"),
                    Flag("rocketchat-answer", .choice(RocketChatAnswerFault.allCases.map(\.rawValue)), value: "KIND", hidden: true,
                         help: "test only: Rocket.Chat answers registration requests expired, early, not-jws or result-object"),
                    Flag("vonage-no-meta", hidden: true, help: "test only: Vonage pages carry no meta"),
                    Flag("vonage-churn-remove", .int, value: "N", hidden: true, help: "test only: the first N times between a user's page reads, their first number goes and another is added at the end"),
                    Flag("vonage-churn-insert", .int, value: "N", hidden: true, help: "test only: the first N times between a user's page reads, another number is added at the front"),
                    Flag("newline-tokens", hidden: true, help: "test only: issue tokens and user IDs that hold a line break"),
                    Flag("echo-secrets", hidden: true, help: "test only: quote the client's password or token in refusals"),
                    Flag("huge-error-bodies", hidden: true, help: "test only: answer CDR lists with a 500 of several MiB"),
                    Flag("hostile", .string, value: "MODE[=VALUE]", repeatable: true, hidden: true, help: "test only: answer like a hostile server (file-url=BASE|self, file-name=NAME, blob-401-once, count=VALUE, item-bytes=N, drop-reused-post, user-id=ID, same-page)"),
                ],
                examples: ["pbxctl sandbox", "pbxctl sandbox --port 0 --write-config"],
                run: { invocation in try run(invocation) })
    }

    static func options(_ line: ParsedCommandLine) throws -> SandboxOptions {
        var options = SandboxOptions()
        options.users = try line.int("users", in: 0...1_000_000) ?? options.users
        options.cdrs = try line.int("cdrs", in: 0...1_000_000) ?? options.cdrs
        options.latencyMS = try line.int("latency", in: 0...600_000) ?? 0
        options.failRate = try line.double("fail-rate", in: 0...1) ?? 0
        options.rateLimit = try line.int("rate-limit", in: 0...1_000_000) ?? 0
        options.maxInFlight = try line.int("max-in-flight", in: 0...1_000_000) ?? 0
        options.dropRate = try line.double("drop-rate", in: 0...1) ?? 0
        options.tokenTTL = try line.int("token-ttl", in: 1...31_536_000) ?? options.tokenTTL
        options.faultSeed = UInt64(try line.int("fault-seed", in: 0...Int.max) ?? 42)
        options.rocketchatSigned = line.bool("signed-registration")
        options.checkAnswers = !line.bool("no-answer-check")
        options.rocketchatAnswer = line.string("rocketchat-answer").flatMap(RocketChatAnswerFault.init(rawValue:))
        options.vonageNoMeta = line.bool("vonage-no-meta")
        options.vonageChurnRemove = try line.int("vonage-churn-remove", in: 0...1_000_000) ?? 0
        options.vonageChurnInsert = try line.int("vonage-churn-insert", in: 0...1_000_000) ?? 0
        options.newlineTokens = line.bool("newline-tokens")
        options.echoSecrets = line.bool("echo-secrets")
        options.hugeErrorBodies = line.bool("huge-error-bodies")
        for mode in line.strings("hostile") {
            let parts = mode.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            options.hostile[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return options
    }

    static func run(_ invocation: Invocation) throws {
        let line = invocation.line
        let port = try line.int("port", in: 0...65535) ?? 8887
        let sandbox = Sandbox(options: try options(line))
        let host = line.string("host") ?? "127.0.0.1"
        do {
            try sandbox.start(host: host, port: UInt16(port))
        } catch let error as SandboxError {
            throw APIError.local(error.description)
        }
        // Only once the address is known to be usable, so a bad one gets its error alone.
        if !Backends.isLoopback("http://" + (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)) {
            invocation.io.err("warning: --host \(host) is not loopback: the sandbox, and the credentials it prints and accepts, are reachable from other machines\n")
        }
        invocation.io.out(sandbox.banner())
        if line.bool("write-config") {
            let backends = invocation.app.backends
            let store = try invocation.app.store()
            try store.update {
                for backend in backends.backends {
                    let profile = backend.sandboxProfile(baseURL: sandbox.baseURL, options: sandbox.options)
                    let name = backend.sandboxProfileName
                    try store.setSetting(name, "type", backend.type.rawValue)
                    for (key, value) in profile.settings.sorted(by: { $0.key < $1.key }) { try store.setSetting(name, key, value) }
                    for (key, value) in profile.secrets.sorted(by: { $0.key < $1.key }) { try store.setSecret(name, key, value) }
                }
            }
            invocation.io.out("Wrote profiles \(BackendRegistry.list(backends.backends.map(\.sandboxProfileName), "and")) to \(store.configPath)\n")
        }
        invocation.io.stdout.flush()
        Interrupt.process.wait()
        sandbox.stop()
        invocation.io.err("sandbox stopped\n")
        Interrupt.clear()
    }
}
