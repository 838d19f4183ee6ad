import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// Ends a run with this exit code and no error message: the command has already said
/// what there is to say (a monitoring plugin's status line).
struct ExitStatus: Error {
    let code: Int32
}

/// `registration check USER [--wait SEC] [--nagios]` on PortSIP and Rocket.Chat profiles.
enum RegistrationCheckCommand {
    static let wait = FlagKey<Double>.number("wait", value: "SEC", default: 0, in: NumberRanges.wait, help: "poll until the user registers or SEC seconds pass")
    static let nagios = FlagKey<Bool>.bool("nagios", help: "print one Monitoring Plugins status line and exit 0 OK, 2 CRITICAL, 3 UNKNOWN")

    static var command: Command {
        Command("check", "Exit 0 if a user's phone is registered, 7 if not (or a monitoring plugin with --nagios)",
                details: "Check that a user has a live SIP registration. On a PortSIP profile USER is a user ID or an extension number and any registration counts. "
                    + "On a Rocket.Chat profile the server answers only for the profile's own user, so USER is that user's ID or extension number (default: the profile's user_id), "
                    + "and the extension's Asterisk device state decides: Not in use, In use, Busy, Ringing, Ring+Inuse and On Hold are registered; Unavailable and Invalid are not; Unknown (or anything else) cannot tell (exit 1). "
                    + "With --nagios it prints one status line in the Monitoring Plugins format with performance data, "
                    + "`REGISTRATION OK - 1001 registered from 192.0.2.10:5060 (Yealink T46U) | registrations=1`, and exits 0 OK, 2 CRITICAL (not registered) or 3 UNKNOWN (could not tell: no answer, refused, unknown device state), "
                    + "for Nagios, Icinga, Naemon and Sensu.",
                arguments: [Argument("USER", "user ID or extension number (Rocket.Chat: default the profile's own user)", optional: true)],
                flags: Flag.of(wait, nagios, CommonFlags.showSecrets.with(help: "with -o json, jsonl, csv or tsv: show the answer's secrets (Rocket.Chat's SIP password) instead of ***")),
                examples: ["pbxctl registration check 1001", "pbxctl registration check 1001 --wait 60 && echo registered",
                           "pbxctl registration check 1001 --nagios", "pbxctl registration check -p chat --nagios"],
                backend: .portsip, run: { invocation in try run(invocation) })
    }

    static func run(_ invocation: Invocation) throws {
        let nagios = invocation.line[Self.nagios]
        let user = invocation.line.argument("USER")
        let label = RegistrationProbe.printable(user ?? "the profile's user", limit: 64)
        let reading: RegistrationReading?
        do {
            reading = try poll(user, invocation)
        } catch let error as APIError where nagios && error.kind != .interrupted {
            invocation.io.out("REGISTRATION UNKNOWN - \(label): \(RegistrationProbe.printable(error.text, limit: 200))\n")
            throw ExitStatus(code: 3)
        }
        guard let reading else { return }
        let output = invocation.app.output
        // A script that asks for JSON gets the status the verdict was drawn from.
        if !nagios, output.format != .table, !output.quiet, let answer = reading.answer {
            Renderer(options: output, sink: invocation.io.stdout, masking: invocation.line[CommonFlags.showSecrets] ? [] : reading.secretFields).single(answer)
        }
        let wait = invocation.line[Self.wait]
        let after = wait > 0 && reading.state != .registered ? " after \(Int(wait))s" : ""
        let state = reading.deviceState.map { " (device state \($0))" } ?? ""
        switch reading.state {
        case .registered:
            let from = reading.contacts.isEmpty ? state : " from " + reading.contacts.joined(separator: ", ")
            if nagios {
                invocation.io.out("REGISTRATION OK - \(label) registered\(from) | registrations=\(reading.count)\n")
            } else if !invocation.app.output.quiet {
                invocation.io.err("\(label) is registered (\(reading.count) registration\(reading.count == 1 ? "" : "s"))\n")
            }
        case .unregistered:
            if nagios {
                invocation.io.out("REGISTRATION CRITICAL - \(label) not registered\(state)\(after) | registrations=0\n")
                throw ExitStatus(code: 2)
            }
            throw APIError(kind: .notRegistered, code: "NOT_REGISTERED", message: "\(label) has no SIP registration\(state)\(after)",
                           backend: try invocation.backendType().rawValue)
        case .unknown:
            if nagios {
                invocation.io.out("REGISTRATION UNKNOWN - \(label): \(undecided(reading))\n")
                throw ExitStatus(code: 3)
            }
            throw APIError(kind: .malformed, code: "UNKNOWN_STATE", message: "\(label): \(undecided(reading))", backend: "rocketchat")
        }
    }

    /// `--nagios` on a command line that may not have parsed.
    static func wantsNagios(_ arguments: [String]) -> Bool {
        arguments.prefix(while: { $0 != "--" }).contains("--nagios")
    }

    static func undecided(_ reading: RegistrationReading) -> String {
        "device state \(reading.deviceState ?? "none") does not tell whether it is registered"
    }

    /// Reads until registered or `--wait` is over; nil on a dry run.
    static func poll(_ user: String?, _ invocation: Invocation) throws -> RegistrationReading? {
        let wait = invocation.line[Self.wait]
        let probe = try RegistrationProbe.make(user, invocation: invocation)
        let clock = invocation.app.clock
        let deadline = clock.now.addingTimeInterval(wait)
        while true {
            guard let reading = try probe.read() else { return nil }
            if reading.state == .registered || clock.now >= deadline { return reading }
            try Interrupt.process.sleep(2.0, deadline: deadline, clock: clock)
        }
    }
}
