import Foundation
import PBXClient
import PBXEngine
import PBXJSON

#if canImport(Glibc)
    import Glibc
#endif

/// `recordings download ID [-O FILE]`: streams the blob at the recording's `file_url`
/// to a temporary file beside the target, then renames it, so an interrupted
/// download never leaves half a file under the final name.
enum DownloadCommand {
    static let outputFile = FlagKey<String?>.string("output-file", short: "O", value: "FILE", completion: .files,
                                                    help: "where to write it (default: the recording's file name; - for stdout)")

    static var command: Command {
        Command("download", "Download a recording's audio file",
                arguments: [Argument("ID", "recording ID")],
                flags: [
                    outputFile.flag, CommonFlags.force.flag,
                ],
                examples: ["pbxctl recordings download rec-admin-1", "pbxctl recordings download rec-admin-1 -O call.wav --force"],
                backend: .portsip, run: { invocation in try run(invocation) })
    }

    static func run(_ invocation: Invocation) throws {
        let client = try invocation.client()
        let id = try invocation.require("ID")
        let recording = try client.call("GET", PathTemplate.fill("/user/recordings/{id}", [id]))
        if recording.dryRun {
            invocation.io.err("note: the file would then be fetched from the recording's file_url\n")
            return
        }
        // One recording is the first of `items`, as the recordings get command reads it.
        let record = AnswerRecord.extract(recording.json, at: PortSIPRecordsCatalog.recordingRecordPath)
        guard let fileURL = record?["file_url"]?.stringValue, !fileURL.isEmpty else {
            throw APIError(kind: .malformed, status: recording.status, code: "MALFORMED", message: "recording \(id) has no file_url", backend: "portsip")
        }
        let target = invocation.line[outputFile] ?? SafeFiles.safeName(record?["file_name"]?.stringValue ?? "", fallback: "recording.wav")
        let request = try fileRequest(fileURL, client: client, io: invocation.io)

        if target == "-" {
            invocation.io.stdout.flush()
            let response = try client.download(request, to: STDOUT_FILENO, what: "the output")
            try check(response, client)
            return
        }
        if FileManager.default.fileExists(atPath: target), !invocation.line[CommonFlags.force] {
            throw APIError.usage("\(target) already exists; pass --force to overwrite it")
        }
        let (temporary, fd) = try SafeFiles.createTemporary(beside: target)
        let cleanup = Interrupt.removeOnKill(temporary)
        var keep = false
        defer {
            close(fd)
            if !keep { unlink(temporary) }
            Interrupt.forget(cleanup)
        }
        let response = try client.download(request, to: fd)
        try check(response, client)
        try Interrupt.process.check()
        guard rename(temporary, target) == 0 else { throw APIError.local("cannot rename to \(target): \(String(cString: strerror(errno)))") }
        keep = true
        invocation.io.err("Saved \(target) (\(ByteCount.text(fileSize(target))))\n")
    }

    /// The request for a recording's `file_url`. PortSIP's is server-relative
    /// (`/api/blobs/…`, on the profile's own API, whose base already ends in /api); an
    /// absolute one gets the profile's credentials only on the profile's own origin.
    static func fileRequest(_ fileURL: String, client: APIClient, io: IOContext) throws -> HTTPRequest {
        guard fileURL.contains("://") else {
            let path = fileURL.hasPrefix("/api/") ? String(fileURL.dropFirst(4)) : fileURL
            return client.makeRequest(method: "GET", path: path, accept: "*/*")
        }
        let request = try client.request(forServerURL: fileURL, accept: "*/*")
        if !request.sendsCredentials, let origin = Origin(fileURL) {
            io.err("note: the recording is on another origin (\(origin)) than the profile; it is fetched without the profile's credentials\n")
        }
        return request
    }

    /// An error answer is shown with the server's message; it was never written to the file.
    static func check(_ response: APIResponse, _ client: APIClient) throws {
        guard (200..<300).contains(response.raw.status) else {
            throw APIError.fromResponse(status: response.raw.status, body: response.raw.body, backend: client.connection.backend)
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
