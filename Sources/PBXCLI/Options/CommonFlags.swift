import PBXEngine

/// Flags several commands share, each read through one key wherever it is defined
/// (a command may describe it in its own words with `with(help:)`).
enum CommonFlags {
    static let yes = FlagKey<Bool>.bool("yes", short: "y", help: "do not ask for confirmation")
    static let passwordStdin = FlagKey<Bool>.bool("password-stdin", help: "read the password from standard input")
    static let showSecrets = FlagKey<Bool>.bool("show-secrets", help: "show secrets instead of ***")
    static let force = FlagKey<Bool>.bool("force", help: "overwrite an existing file")
    /// `users import`, `diff` and `apply`: the roster's format.
    static let rosterFormat = FlagKey<String?>.choice("format", ["csv", "jsonl"], value: "FMT", help: "the input format (default: from the file name, or sniffed)")
    static let generateSecrets = FlagKey<Bool>.bool("generate-secrets", help: "fill in missing secrets with random ones")
}

/// The flags of a list: how far to follow its pages.
enum ListFlags {
    static let all = FlagKey<Bool>.bool("all", help: "follow pagination to the end")
    static let limit = FlagKey<Int?>.int("limit", value: "N", in: NumberRanges.limit, help: "stop after N items")
    /// PortSIP's `top`: 1 to 100.
    static let pageSize = FlagKey<Int>.int("page-size", value: "N", default: 100, in: 1...100, help: "items per request (1-100)")
    /// The vendor's query parameters of the same names, where an operation has them.
    static let query = [
        FlagKey<String?>.string("filter", value: "EXPR", help: "OData-like filter, e.g. \"extension_number eq '1001'\""),
        FlagKey<String?>.string("search", value: "TEXT", help: "free-text search"),
        FlagKey<String?>.string("orderby", value: "EXPR", help: "sort order, e.g. 'name asc, created_at desc'"),
    ]
}

/// The flags that build a request body by hand.
enum BodyFlags {
    static let field = FlagKey<[String]>.strings("field", short: "f", value: "KEY=VALUE", help: "set a string body field (dotted keys nest)")
    static let rawField = FlagKey<[String]>.strings("raw-field", short: "F", value: "KEY=VALUE", help: "set a typed body field: true, false, null, numbers, @FILE")
    static let data = FlagKey<String?>.string("data", value: "FILE", completion: .files, help: "a JSON body from a file, or - for stdin; flags override it")
}
