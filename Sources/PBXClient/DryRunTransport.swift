/// `--dry-run` as a transport: each request is printed as a runnable curl line and
/// never sent. The profile's credentials become the shell variable that holds them;
/// anything else secret-looking is masked, and a note on stderr says what.
public struct DryRunTransport: Transport {
    private let credentials: @Sendable () -> [CurlCommand.Credential]
    private let stdout: @Sendable (String) -> Void
    private let stderr: @Sendable (String) -> Void

    /// `credentials`: the connection's own, read when a request is printed.
    public init(credentials: @escaping @Sendable () -> [CurlCommand.Credential], stdout: @escaping @Sendable (String) -> Void,
                stderr: @escaping @Sendable (String) -> Void)
    {
        self.credentials = credentials
        self.stdout = stdout
        self.stderr = stderr
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let rendered = CurlCommand.render(request, credentials: credentials())
        stdout(rendered.line + "\n")
        if let note = rendered.maskedNote { stderr(TerminalText.escape(note) + "\n") }
        return .notSent
    }

    public func stream(_ request: HTTPRequest, consumer: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> HTTPResponse {
        try send(request)
    }
}

extension HTTPResponse {
    /// What a dry run answers: nothing was sent, so there is nothing to decode.
    public static let notSent = HTTPResponse(status: 0, headers: [("X-Pbxctl-Not-Sent", "dry-run")])

    public var wasNotSent: Bool { status == 0 && header("X-Pbxctl-Not-Sent") == "dry-run" }
}
