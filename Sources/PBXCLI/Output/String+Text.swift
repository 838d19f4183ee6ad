import PBXEngine

extension String {
    func replacingNewlines(with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for character in self {
            if character == "\n" { out += replacement } else { out.append(character) }
        }
        return out
    }

    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
