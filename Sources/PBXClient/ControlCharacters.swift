extension String {
    /// C0 and C1 controls, DEL and the Unicode line separators: anything that could end a
    /// line in a config file or a header in a request, or drive a terminal.
    public var containsControlCharacter: Bool {
        unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    }
}
