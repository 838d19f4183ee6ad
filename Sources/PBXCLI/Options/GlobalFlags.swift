import PBXEngine

/// Flags accepted by every command, before or after the command words (docs/cli.md).
/// Each is a typed key: its default and range are stated here once, for help, docs,
/// completions and the value a run reads.
public enum GlobalFlags {
    public static let outputFormats = ["table", "json", "jsonl", "csv", "tsv"]

    static let profile = FlagKey<String?>.string("profile", short: "p", value: "NAME", completion: .profiles,
                                                 help: "which configured backend to talk to (env PBXCTL_PROFILE); a,b or 'site-*' for several")
    static let output = FlagKey<String>.choice("output", short: "o", outputFormats, value: "FMT", default: "table",
                                               help: "output format: table, json, jsonl, csv, tsv (env PBXCTL_OUTPUT)")
    static let fields = FlagKey<String?>.string("fields", value: "a,b,c.d", help: "choose and order columns / keys; dotted paths reach nested values")
    static let noHeaders = FlagKey<Bool>.bool("no-headers", help: "table/csv/tsv without the header row")
    static let quiet = FlagKey<Bool>.bool("quiet", short: "q", help: "print only the IDs of listed or created objects")
    static let verbose = FlagKey<Bool>.bool("verbose", short: "v", help: "trace each HTTP request and response on stderr, secrets redacted")
    static let dryRun = FlagKey<Bool>.bool("dry-run", help: "print each request as a runnable curl command and send nothing")
    static let timeout = FlagKey<Double>.number("timeout", value: "SEC", default: 30, in: NumberRanges.timeout, help: "per-request timeout in seconds")
    static let maxTime = FlagKey<Double?>.number("max-time", value: "SEC", in: NumberRanges.maxTime,
                                                 help: "the most time the whole command may take, in seconds; then exit 5")
    static let retries = FlagKey<Int>.int("retries", value: "N", default: 2, in: NumberRanges.retries,
                                          help: "retries for idempotent requests on network errors, 429, 502, 503, 504")
    static let insecure = FlagKey<Bool>.bool("insecure", help: "skip TLS certificate verification (warns on stderr)")
    static let cacert = FlagKey<String?>.string("cacert", value: "FILE", completion: .files, help: "trust this PEM CA bundle (self-signed PBX certificates)")
    static let color = FlagKey<String>.choice("color", ["auto", "always", "never"], value: "WHEN", default: "auto",
                                              help: "ANSI colour: auto (only on a terminal, not with TERM=dumb or a non-empty NO_COLOR), always or never")
    static let noColor = FlagKey<Bool>.bool("no-color", help: "the same as --color never")
    static let sandbox = FlagKey<Bool>.bool("sandbox", help: "start the built-in sandbox on a free loopback port for this one command")
    static let help = FlagKey<Bool>.bool("help", short: "h", help: "show help for the command")
    static let version = FlagKey<Bool>.bool("version", help: "print the version")

    public static let all: [Flag] = [
        profile.flag, output.flag, fields.flag, noHeaders.flag, quiet.flag, verbose.flag, dryRun.flag, timeout.flag, maxTime.flag,
        retries.flag, insecure.flag, cacert.flag, color.flag, noColor.flag, sandbox.flag, help.flag, version.flag,
    ]

    public static func named(_ long: String) -> Flag? { all.first { $0.long == long } }
}
