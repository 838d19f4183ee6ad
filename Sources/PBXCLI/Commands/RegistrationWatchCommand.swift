import Foundation
import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `registration watch EXT... [--interval SEC]`: a JSON line each time a phone
/// registers, unregisters, or cannot be checked, until Ctrl-C.
enum RegistrationWatchCommand {
    static let interval = FlagKey<Double>.number("interval", value: "SEC", default: 5, in: 0.1...3600, help: "seconds between polls (0.1 to 3600)")

    static var command: Command {
        Command("watch", "Print a JSON line each time a user's registration changes, until interrupted",
                details: "Poll the registration of each USER every --interval seconds and print one JSON line per change of state: "
                    + "{\"time\", \"extension\", \"from\", \"to\", \"contact\"}, where from/to are registered, unregistered or unknown "
                    + "(the first line for each USER has from null; unknown lines carry an \"error\"). A failed poll does not end the watch. "
                    + "Users are looked up once, before the first poll: an unknown user ends it at once (exit 4). Ctrl-C ends it with exit 130. "
                    + "On a Rocket.Chat profile USER is the profile's own user (its ID or extension number), judged by device state as in registration check.",
                arguments: [Argument("USER", "user ID or extension number", variadic: true)],
                flags: [interval.flag],
                examples: ["pbxctl registration watch 1001 1002", "pbxctl registration watch 1001 --interval 30 | tee registrations.jsonl"],
                backend: .portsip, run: { invocation in try run(invocation) })
    }

    static func run(_ invocation: Invocation) throws {
        let users = invocation.line.variadic("USER")
        guard !users.isEmpty else { throw APIError.usage("missing argument USER") }
        let interval = invocation.line[Self.interval]
        let probes = try users.map { try RegistrationProbe.make($0, invocation: invocation) }
        var last: [RegistrationReading.State?] = Array(repeating: nil, count: probes.count)
        while true {
            for (index, probe) in probes.enumerated() {
                var line = JSONObject()
                let state: RegistrationReading.State
                var contact: String?
                var failure: String?
                do {
                    guard let reading = try probe.read() else { return }
                    state = reading.state
                    contact = reading.contacts.isEmpty ? nil : reading.contacts.joined(separator: ", ")
                } catch let error as APIError where error.kind != .interrupted && error.kind != .usage {
                    state = .unknown
                    failure = RegistrationProbe.printable(error.text, limit: 200)
                }
                guard state != last[index] else { continue }
                line["time"] = .string(RFC3339.format(invocation.app.clock.now))
                line["extension"] = .string(probe.label)
                line["from"] = last[index].map { .string($0.rawValue) } ?? .null
                line["to"] = .string(state.rawValue)
                line["contact"] = contact.map(JSON.string) ?? .null
                if let failure { line["error"] = .string(failure) }
                last[index] = state
                var bytes = JSON.object(line).compactBytes
                bytes.append(0x0A)
                invocation.io.stdout.write(bytes: bytes)
                invocation.io.stdout.flush()
            }
            try Interrupt.process.sleep(interval, clock: invocation.app.clock)
        }
    }
}
