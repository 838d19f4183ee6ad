/// Flags accepted by every command, before or after the command words (docs/cli.md).
public enum GlobalFlags {
    public static let outputFormats = ["table", "json", "jsonl", "csv", "tsv"]

    public static let all: [Flag] = [
        Flag("profile", short: "p", .string, value: "NAME", completion: .profiles, help: "which configured backend to talk to (env PBXCTL_PROFILE); a,b or 'site-*' for several"),
        Flag("output", short: "o", .choice(outputFormats), value: "FMT", default: "table", help: "output format: table, json, jsonl, csv, tsv (env PBXCTL_OUTPUT)"),
        Flag("fields", .string, value: "a,b,c.d", help: "choose and order columns / keys; dotted paths reach nested values"),
        Flag("no-headers", help: "table/csv/tsv without the header row"),
        Flag("quiet", short: "q", help: "print only the IDs of listed or created objects"),
        Flag("verbose", short: "v", help: "trace each HTTP request and response on stderr, secrets redacted"),
        Flag("dry-run", help: "print each request as a runnable curl command and send nothing"),
        Flag("timeout", .number, value: "SEC", default: "30", help: "per-request timeout in seconds"),
        Flag("max-time", .number, value: "SEC", help: "the most time the whole command may take, in seconds; then exit 5"),
        Flag("retries", .int, value: "N", default: "2", help: "retries for idempotent requests on network errors, 429, 502, 503, 504"),
        Flag("insecure", help: "skip TLS certificate verification (warns on stderr)"),
        Flag("cacert", .string, value: "FILE", completion: .files, help: "trust this PEM CA bundle (self-signed PBX certificates)"),
        Flag("color", .choice(["auto", "always", "never"]), value: "WHEN", default: "auto",
             help: "ANSI colour: auto (only on a terminal, not with TERM=dumb or a non-empty NO_COLOR), always or never"),
        Flag("no-color", help: "the same as --color never"),
        Flag("sandbox", help: "start the built-in sandbox on a free loopback port for this one command"),
        Flag("help", short: "h", help: "show help for the command"),
        Flag("version", help: "print the version"),
    ]

    public static func named(_ long: String) -> Flag? { all.first { $0.long == long } }
}
