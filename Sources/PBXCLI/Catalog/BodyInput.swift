import Foundation
import PBXClient
import PBXEngine
import PBXJSON

/// Request bodies from `--data`, `-f`, `-F` and secret prompts (docs/cli.md, "Writing").
enum BodyInput {
    static func readJSONObject(_ source: String, io: IOContext) throws -> JSONObject {
        let bytes: [UInt8]
        if source == "-" {
            bytes = io.stdinBytes()
        } else {
            guard let data = FileManager.default.contents(atPath: source) else { throw APIError.usage("--data \(source): cannot read the file") }
            bytes = Array(data)
        }
        let parsed: JSON
        do {
            parsed = try JSONParser.parse(bytes)
        } catch let error as JSONParseError {
            throw APIError.usage("--data \(source): \(error.description)")
        }
        guard let object = parsed.objectValue else { throw APIError.usage("--data \(source): the body must be a JSON object") }
        return object
    }

    /// `key=value`; `-F` reads true/false/null/numbers as JSON and `@file` as the file's text.
    static func assignment(_ text: String, typed: Bool) throws -> (String, JSON) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw APIError.usage("'\(text)' is not KEY=VALUE")
        }
        let key = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        guard typed else { return (key, .string(value)) }
        if value.hasPrefix("@") {
            let path = String(value.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else { throw APIError.usage("-F \(key)=@\(path): cannot read the file") }
            var content = String(decoding: data, as: UTF8.self)
            if content.hasSuffix("\n") { content.removeLast() }
            return (key, .string(content))
        }
        return (key, typedLiteral(value))
    }

    static func typedLiteral(_ value: String) -> JSON {
        switch value {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if let parsed = try? JSONParser.parse(value), case .number = parsed { return parsed }
            if value.hasPrefix("[") || value.hasPrefix("{"), let parsed = try? JSONParser.parse(value) { return parsed }
            return .string(value)
        }
    }

    /// A named flag's text as the type the vendor schema wants.
    static func typed(_ text: String, schemaType: String?) -> JSON {
        switch schemaType {
        case "boolean": return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        // Only a JSON number goes out as one: Double() also reads `0x10`, `inf` and `+5`,
        // which would make the body invalid JSON; anything else stays text for the schema check.
        case "integer", "number":
            if let parsed = try? JSONParser.parse(text), case .number = parsed { return parsed }
            return .string(text)
        default: return .string(text)
        }
    }

    /// Said when a secret was typed into argv, where `ps` and shell history show it.
    static func argvSecretWarning(_ key: String, _ operation: Operation) -> String {
        var ways = operation.secrets.first?.key == key ? ["--password-stdin"] : []
        ways += ["-F \(key)=@FILE", "--data FILE"]
        if !operation.secrets.isEmpty { ways.append("the no-echo prompt on a terminal") }
        return "warning: \(key) given on the command line is visible to other users (ps) and kept in shell history; instead use " + ways.joined(separator: ", ")
    }

    /// Asks for secret fields the body still lacks: the first from `--password-stdin`,
    /// any from a no-echo prompt when stdin is a terminal.
    static func fillSecrets(_ secrets: [SecretField], into body: inout JSONObject, invocation: Invocation) throws {
        let io = invocation.io
        for (index, secret) in secrets.enumerated() where body[secret.key] == nil {
            if index == 0, invocation.line[CommonFlags.passwordStdin] {
                body[secret.key] = .string(try io.secretFromStdin())
            } else if io.stdinIsTTY, !invocation.app.clientSettings.dryRun {
                let name = secret.key.replacingOccurrences(of: "_", with: " ")
                guard let text = io.secret(prompt: secret.prompt + ": "), !text.isEmpty else {
                    throw APIError.usage("no \(name) given")
                }
                // A new secret is typed twice: a typo in a no-echo field would lock the user out.
                if secret.isNew, io.secret(prompt: secret.prompt + " (again): ") != text {
                    throw APIError.usage("the two \(name) entries differ; nothing was sent")
                }
                body[secret.key] = .string(text)
            }
        }
    }
}
