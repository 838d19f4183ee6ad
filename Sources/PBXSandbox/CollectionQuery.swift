import PBXJSON

/// PortSIP's collection query options, as the sandbox applies them: an OData-like
/// `filter`, free-text `search`, `orderby`, `skip` and `top`.
struct CollectionQuery {
    var filter: FilterExpression?
    var search: String?
    var orderBy: [(field: String, descending: Bool)] = []
    var skip = 0
    var top = 100

    init(_ request: ServerRequest) throws {
        if let text = request.queryValue("filter"), !text.isEmpty { filter = try FilterExpression.parse(text) }
        search = request.queryValue("search").flatMap { $0.isEmpty ? nil : $0.lowercased() }
        if let text = request.queryValue("orderby") {
            orderBy = text.split(separator: ",").map { clause in
                let words = clause.split(separator: " ")
                return (String(words.first ?? ""), words.count > 1 && words[1].lowercased() == "desc")
            }
        }
        if let text = request.queryValue("skip") { skip = Int(text) ?? 0 }
        if let text = request.queryValue("top") { top = Int(text) ?? 100 }
    }

    func apply(_ items: [JSONObject]) -> (count: Int, page: [JSONObject]) {
        if filter == nil, search == nil, orderBy.isEmpty {
            let start = min(skip, items.count)
            return (items.count, Array(items[start..<min(start + top, items.count)]))
        }
        var matched = items.filter { item in
            let value = JSON.object(item)
            if let filter, !filter.matches(value) { return false }
            if let search {
                return item.contains { entry in
                    if case .string(let text) = entry.value { return text.lowercased().contains(search) }
                    return false
                }
            }
            return true
        }
        if !orderBy.isEmpty {
            matched.sort { left, right in
                for clause in orderBy {
                    let a = JSON.object(left).value(atPath: clause.field) ?? .null
                    let b = JSON.object(right).value(atPath: clause.field) ?? .null
                    let order = FilterExpression.compare(a, b)
                    if order != 0 { return clause.descending ? order > 0 : order < 0 }
                }
                return false
            }
        }
        let start = min(skip, matched.count)
        let end = min(start + top, matched.count)
        return (matched.count, Array(matched[start..<end]))
    }
}

struct FilterError: Error { let message: String }

/// `caller eq '101' and started_at gt '2022-01-01T00:00:00Z'`, `startswith(caller,'10')`,
/// `contains(caller,'0')`, `not`, `or`, parentheses.
indirect enum FilterExpression {
    case compare(field: String, op: String, value: JSON)
    case function(name: String, field: String, value: String)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)

    static func parse(_ text: String) throws -> FilterExpression {
        var parser = Parser(tokens: try tokenize(text))
        let expression = try parser.parseOr()
        guard parser.position == parser.tokens.count else { throw FilterError(message: "unexpected '\(parser.tokens[parser.position])' in filter") }
        return expression
    }

    func matches(_ item: JSON) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(item) && b.matches(item)
        case .or(let a, let b): return a.matches(item) || b.matches(item)
        case .not(let a): return !a.matches(item)
        case .function(let name, let field, let value):
            let actual = (item.value(atPath: field) ?? .null).cellText.lowercased()
            let wanted = value.lowercased()
            switch name {
            case "startswith": return actual.hasPrefix(wanted)
            case "endswith": return actual.hasSuffix(wanted)
            default: return actual.contains(wanted)
            }
        case .compare(let field, let op, let value):
            let actual = item.value(atPath: field) ?? .null
            let order = Self.compare(actual, value)
            switch op {
            case "eq": return order == 0
            case "ne": return order != 0
            case "gt": return order > 0
            case "ge": return order >= 0
            case "lt": return order < 0
            default: return order <= 0
            }
        }
    }

    static func compare(_ a: JSON, _ b: JSON) -> Int {
        if let x = Double(a.cellText), let y = Double(b.cellText), case .number = a { return x < y ? -1 : x > y ? 1 : 0 }
        let x = a.cellText, y = b.cellText
        return x < y ? -1 : x > y ? 1 : 0
    }

    enum Token: Equatable, CustomStringConvertible {
        case word(String), string(String), open, close, comma
        var description: String {
            switch self {
            case .word(let w): return w
            case .string(let s): return "'\(s)'"
            case .open: return "("
            case .close: return ")"
            case .comma: return ","
            }
        }
    }

    static func tokenize(_ text: String) throws -> [Token] {
        var tokens: [Token] = []
        var chars = Array(text)[...]
        while let c = chars.first {
            if c.isWhitespace {
                chars.removeFirst()
            } else if c == "(" {
                tokens.append(.open)
                chars.removeFirst()
            } else if c == ")" {
                tokens.append(.close)
                chars.removeFirst()
            } else if c == "," {
                tokens.append(.comma)
                chars.removeFirst()
            } else if c == "'" {
                chars.removeFirst()
                var value = ""
                var closed = false
                while let d = chars.popFirst() {
                    if d == "'" {
                        if chars.first == "'" {
                            value.append("'")
                            chars.removeFirst()
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        value.append(d)
                    }
                }
                guard closed else { throw FilterError(message: "unterminated string in filter") }
                tokens.append(.string(value))
            } else {
                var word = ""
                while let d = chars.first, !d.isWhitespace, !"(),'".contains(d) {
                    word.append(d)
                    chars.removeFirst()
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        var position = 0

        mutating func next() -> Token? {
            guard position < tokens.count else { return nil }
            defer { position += 1 }
            return tokens[position]
        }

        func peekWord() -> String? {
            guard position < tokens.count, case .word(let w) = tokens[position] else { return nil }
            return w.lowercased()
        }

        mutating func parseOr() throws -> FilterExpression {
            var left = try parseAnd()
            while peekWord() == "or" {
                position += 1
                left = .or(left, try parseAnd())
            }
            return left
        }

        mutating func parseAnd() throws -> FilterExpression {
            var left = try parseUnary()
            while peekWord() == "and" {
                position += 1
                left = .and(left, try parseUnary())
            }
            return left
        }

        mutating func parseUnary() throws -> FilterExpression {
            if peekWord() == "not" {
                position += 1
                return .not(try parseUnary())
            }
            guard let token = next() else { throw FilterError(message: "filter ends too early") }
            switch token {
            case .open:
                let inner = try parseOr()
                guard next() == .close else { throw FilterError(message: "missing ')' in filter") }
                return inner
            case .word(let word):
                if ["startswith", "endswith", "contains"].contains(word.lowercased()), position < tokens.count, tokens[position] == .open {
                    position += 1
                    guard case .word(let field)? = next(), next() == .comma, case .string(let value)? = next(), next() == .close else {
                        throw FilterError(message: "\(word) takes (field,'text')")
                    }
                    return .function(name: word.lowercased(), field: field, value: value)
                }
                guard case .word(let op)? = next(), ["eq", "ne", "gt", "ge", "lt", "le"].contains(op.lowercased()) else {
                    throw FilterError(message: "expected eq, ne, gt, ge, lt or le after '\(word)'")
                }
                guard let valueToken = next() else { throw FilterError(message: "missing value after '\(op)'") }
                let value: JSON
                switch valueToken {
                case .string(let text): value = .string(text)
                case .word(let literal) where literal == "true" || literal == "false": value = .bool(literal == "true")
                case .word("null"): value = .null
                case .word(let literal) where Double(literal) != nil: value = .number(literal)
                default: throw FilterError(message: "invalid value \(valueToken) in filter")
                }
                return .compare(field: word, op: op.lowercased(), value: value)
            default:
                throw FilterError(message: "unexpected \(token) in filter")
            }
        }
    }
}
