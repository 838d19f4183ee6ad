import PBXCatalog
import PBXEngine

enum Secrets {
    static func password() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<12).map { _ in alphabet.randomElement()! }) + "#" + String(Int.random(in: 10...99))
    }

    /// Six digits with no run of three and no three-digit sequence (PortSIP's PIN policy).
    static func pin() -> String {
        while true {
            let candidate = String((0..<6).map { _ in Character(String(Int.random(in: 0...9))) })
            if PortSIPRules.voicemailPINProblem(candidate) == nil { return candidate }
        }
    }
}
