import Foundation
import PBXClient
import PBXEngine

/// The global flags and the environment knobs beside them, read once per run into one
/// value, even from a command line that failed to parse: its error is then reported
/// as these options ask (`-o json` makes it JSON).
struct GlobalOptions {
    var profile: String?
    /// `--output`, else a valid PBXCTL_OUTPUT, else table.
    var format: OutputFormat
    var fields: [String]?
    var noHeaders: Bool
    var quiet: Bool
    var verbose: Bool
    var dryRun: Bool
    var timeout: Double
    var maxTime: Double?
    var retries: Int
    var insecure: Bool
    var cacert: String?
    /// `--color`, with `--no-color` meaning never.
    var color: String
    var sandbox: Bool
    var version: Bool
    /// PBXCTL_BACKOFF_BASE_MS, in seconds.
    var backoffBase: Double?
    /// PBXCTL_MAX_BODY_MB, in bytes (512 MiB when unset).
    var maxBodyBytes: Int
    /// Errors and records are JSON: `-o json|jsonl`, or PBXCTL_OUTPUT when no `-o` was read.
    var jsonErrors: Bool
    /// What `validate()` throws: a knob set to something outside its range.
    private var problem: APIError?

    init(_ line: ParsedCommandLine, environment: [String: String]) {
        profile = line[GlobalFlags.profile]
        let variable = environment["PBXCTL_OUTPUT"].flatMap { $0.isEmpty ? nil : $0 }
        let written = line.has(GlobalFlags.output) ? line[GlobalFlags.output] : variable
        format = written.flatMap(OutputFormat.init(rawValue:)) ?? .table
        jsonErrors = written == "json" || written == "jsonl"
        fields = line[GlobalFlags.fields].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        noHeaders = line[GlobalFlags.noHeaders]
        quiet = line[GlobalFlags.quiet]
        verbose = line[GlobalFlags.verbose]
        dryRun = line[GlobalFlags.dryRun]
        timeout = line[GlobalFlags.timeout]
        maxTime = line[GlobalFlags.maxTime]
        retries = line[GlobalFlags.retries]
        insecure = line[GlobalFlags.insecure]
        cacert = line[GlobalFlags.cacert]
        color = line[GlobalFlags.noColor] ? "never" : line[GlobalFlags.color]
        sandbox = line[GlobalFlags.sandbox]
        version = line[GlobalFlags.version]
        if !line.has(GlobalFlags.output), let variable, OutputFormat(rawValue: variable) == nil {
            problem = APIError.usage("PBXCTL_OUTPUT='\(variable)' is not a format: choose from \(GlobalFlags.outputFormats.joined(separator: ", "))")
        }
        do {
            backoffBase = try NumberRanges.environment("PBXCTL_BACKOFF_BASE_MS", environment, in: NumberRanges.backoffBaseMS).map { $0 / 1000 }
        } catch {
            problem = problem ?? (error as? APIError)
        }
        do {
            let megabytes = try NumberRanges.environment("PBXCTL_MAX_BODY_MB", environment, in: Double(NumberRanges.maxBodyMB.lowerBound)...Double(NumberRanges.maxBodyMB.upperBound))
            maxBodyBytes = Int(megabytes ?? 512) << 20
        } catch {
            maxBodyBytes = 512 << 20
            problem = problem ?? (error as? APIError)
        }
    }

    /// The separate check before a command runs: nothing is sent when it throws.
    func validate() throws {
        if let problem { throw problem }
    }
}
