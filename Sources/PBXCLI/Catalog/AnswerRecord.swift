import PBXEngine
import PBXJSON

/// Where an answer holds the one record it is about. PortSIP answers most `get`s with
/// the record itself, one CDR as `{"items": {…}}` and one recording as
/// `{"items": [{…}]}`; a dotted path names the place (`items`, `items.0`).
enum AnswerRecord {
    static func extract(_ answer: JSON?, at path: String?) -> JSON? {
        guard let path else { return answer }
        var node = answer
        for part in path.split(separator: ".") {
            if let index = Int(part) {
                guard let items = node?.arrayValue, index < items.count else { return nil }
                node = items[index]
            } else {
                node = node?[String(part)]
            }
        }
        return node
    }
}
