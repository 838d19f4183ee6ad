import Foundation
import PBXClient
import PBXEngine
import PBXSandbox

/// `pbxctl sandbox`: all four APIs from memory on one loopback port.
enum SandboxCommand {
    static let defaults = SandboxOptions()
    static let host = FlagKey<String>.string("host", value: "ADDR", default: "127.0.0.1", help: "address to listen on")
    static let port = FlagKey<Int>.int("port", value: "PORT", default: 8887, in: 0...65535, help: "port to listen on (0 picks a free one)")
    static let writeConfig = FlagKey<Bool>.bool("write-config", help: "add sandbox-* profiles for this sandbox to the config and credentials files")
    static let users = FlagKey<Int>.int("users", value: "N", default: defaults.users, in: 0...1_000_000, help: "how many users to seed")
    static let cdrs = FlagKey<Int>.int("cdrs", value: "N", default: defaults.cdrs, in: 0...1_000_000, help: "how many CDRs to seed")
    static let signedRegistration = FlagKey<Bool>.bool("signed-registration", help: "Rocket.Chat answers registration requests with an HS256 JWS, as when a VoIP JWT secret is set")
    static let latency = FlagKey<Int?>.int("latency", value: "MS", in: 0...600_000, hidden: true, help: "test only: delay every answer")
    static let failRate = FlagKey<Double?>.number("fail-rate", value: "P", in: 0...1, hidden: true, help: "test only: answer 503 with probability P")
    static let rateLimit = FlagKey<Int?>.int("rate-limit", value: "N", in: 0...1_000_000, hidden: true, help: "test only: answer 429 past N requests a second")
    static let maxInFlight = FlagKey<Int?>.int("max-in-flight", value: "N", in: 0...1_000_000, hidden: true,
                                                help: "test only: answer 429 to a request that arrives while N are being served")
    static let dropRate = FlagKey<Double?>.number("drop-rate", value: "P", in: 0...1, hidden: true, help: "test only: close the connection mid-answer with probability P")
    static let tokenTTL = FlagKey<Int?>.int("token-ttl", value: "SEC", in: 1...31_536_000, hidden: true, help: "test only: lifetime of issued tokens")
    static let faultSeed = FlagKey<Int?>.int("fault-seed", value: "N", in: 0...Int.max, hidden: true, help: "test only: seed of the fault injector")
    static let noAnswerCheck = FlagKey<Bool>.bool("no-answer-check", hidden: true, help: "benchmarks only: skip checking answers against the vendor document")
    static let rocketchatAnswer = FlagKey<String?>.choice("rocketchat-answer", RocketChatAnswerFault.allCases.map(\.rawValue), value: "KIND", hidden: true,
                                                          help: "test only: Rocket.Chat answers registration requests expired, early, not-jws or result-object")
    static let vonageNoMeta = FlagKey<Bool>.bool("vonage-no-meta", hidden: true, help: "test only: Vonage pages carry no meta")
    static let vonageChurnRemove = FlagKey<Int?>.int("vonage-churn-remove", value: "N", in: 0...1_000_000, hidden: true,
                                                      help: "test only: the first N times between a user's page reads, their first number goes and another is added at the end")
    static let vonageChurnInsert = FlagKey<Int?>.int("vonage-churn-insert", value: "N", in: 0...1_000_000, hidden: true,
                                                      help: "test only: the first N times between a user's page reads, another number is added at the front")
    static let newlineTokens = FlagKey<Bool>.bool("newline-tokens", hidden: true, help: "test only: issue tokens and user IDs that hold a line break")
    static let echoSecrets = FlagKey<Bool>.bool("echo-secrets", hidden: true, help: "test only: quote the client's password or token in refusals")
    static let hugeErrorBodies = FlagKey<Bool>.bool("huge-error-bodies", hidden: true, help: "test only: answer CDR lists with a 500 of several MiB")
    static let hostile = FlagKey<[String]>.strings("hostile", value: "MODE[=VALUE]", hidden: true,
                                                   help: "test only: answer like a hostile server (file-url=BASE|self, file-name=NAME, blob-401-once, count=VALUE, item-bytes=N, drop-reused-post, user-id=ID, same-page)")

    static var command: Command {
        Command("sandbox", "Serve all four APIs from memory on a loopback port",
                details: "Serve the PortSIP, Rocket.Chat, Vonage and CommPeak APIs from memory, seeded with demo data, with the real servers' paths, status codes, error bodies and auth rules. It prints the credentials it accepts; --write-config adds sandbox-* profiles. Ctrl-C stops it.",
                flags: Flag.of(host, port, writeConfig, users, cdrs, signedRegistration, latency, failRate, rateLimit, maxInFlight, dropRate, tokenTTL, faultSeed,
                               noAnswerCheck, rocketchatAnswer, vonageNoMeta, vonageChurnRemove, vonageChurnInsert, newlineTokens, echoSecrets, hugeErrorBodies,
                               hostile),
                examples: ["pbxctl sandbox", "pbxctl sandbox --port 0 --write-config"],
                run: { invocation in try run(invocation) })
    }

    static func options(_ line: ParsedCommandLine) -> SandboxOptions {
        var options = SandboxOptions()
        options.users = line[users]
        options.cdrs = line[cdrs]
        options.latencyMS = line[latency] ?? 0
        options.failRate = line[failRate] ?? 0
        options.rateLimit = line[rateLimit] ?? 0
        options.maxInFlight = line[maxInFlight] ?? 0
        options.dropRate = line[dropRate] ?? 0
        options.tokenTTL = line[tokenTTL] ?? options.tokenTTL
        options.faultSeed = UInt64(line[faultSeed] ?? Int(options.faultSeed))
        options.rocketchatSigned = line[signedRegistration]
        options.checkAnswers = !line[noAnswerCheck]
        options.rocketchatAnswer = line[rocketchatAnswer].flatMap(RocketChatAnswerFault.init(rawValue:))
        options.vonageNoMeta = line[vonageNoMeta]
        options.vonageChurnRemove = line[vonageChurnRemove] ?? 0
        options.vonageChurnInsert = line[vonageChurnInsert] ?? 0
        options.newlineTokens = line[newlineTokens]
        options.echoSecrets = line[echoSecrets]
        options.hugeErrorBodies = line[hugeErrorBodies]
        for mode in line[hostile] {
            let parts = mode.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            options.hostile[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return options
    }

    static func run(_ invocation: Invocation) throws {
        let line = invocation.line
        let sandbox = Sandbox(options: options(line))
        let host = line[Self.host]
        do {
            try sandbox.start(host: host, port: UInt16(line[Self.port]))
        } catch let error as SandboxError {
            throw APIError.local(error.description)
        }
        // Only once the address is known to be usable, so a bad one gets its error alone.
        if !Backends.isLoopback("http://" + (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)) {
            invocation.io.err("warning: --host \(host) is not loopback: the sandbox, and the credentials it prints and accepts, are reachable from other machines\n")
        }
        invocation.io.out(sandbox.banner())
        if line[Self.writeConfig] {
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
