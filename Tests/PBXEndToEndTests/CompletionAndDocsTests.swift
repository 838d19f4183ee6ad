import Foundation
import XCTest

/// Completions and docs come from the command tree, stay in sync with what the
/// binary generates, and work in real bash, zsh and fish.
final class CompletionAndDocsTests: XCTestCase {
    let env = PBX.environment(home: PBX.temporaryDirectory())

    func committed(_ path: String) throws -> String {
        try String(contentsOf: PBX.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    func testGeneratedFilesAreInSync() throws {
        let pairs = [
            (["completion", "bash"], "completions/pbxctl.bash"), (["completion", "zsh"], "completions/_pbxctl"),
            (["completion", "fish"], "completions/pbxctl.fish"), (["__reference", "commands"], "docs/commands.md"),
            (["__reference", "man"], "docs/pbxctl.1"),
        ]
        for (arguments, path) in pairs {
            XCTAssertEqual(PBX.run(arguments, env: env).stdout, try committed(path), "\(path) is stale: regenerate with pbxctl \(arguments.joined(separator: " ")) > \(path)")
        }
        XCTAssertEqual(PBX.run(["completion", "tcsh"], env: env).code, 2)
    }

    func testDocsAgreeWithHelp() throws {
        let commands = try committed("docs/commands.md")
        for words in [["users", "list"], ["contacts", "sync"], ["callback-numbers", "add"], ["registration", "check"]] {
            let help = PBX.run(words + ["--help"], env: env).stdout
            let usage = help.components(separatedBy: "\n").first { $0.hasPrefix("  pbxctl ") }!.trimmingCharacters(in: .whitespaces)
            XCTAssertTrue(commands.contains("```\n\(usage)\n```"), "docs/commands.md has the usage help prints: \(usage)")
            for line in help.components(separatedBy: "\n") where line.hasPrefix("  $ ") {
                XCTAssertTrue(commands.contains(String(line.dropFirst(4))), "example missing from docs: \(line)")
            }
        }
        XCTAssertTrue(try committed("README.md").contains("docs/commands.md"))
    }

    func testManPageRenders() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["man", "-l", PBX.packageRoot.appendingPathComponent("docs/pbxctl.1").path]
        process.environment = ["MANPAGER": "cat", "PAGER": "cat", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "MANWIDTH": "100"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus != 127 else { throw XCTSkip("man is not installed") }
        XCTAssertEqual(process.terminationStatus, 0)
        for needle in ["PBXCTL(1)", "SYNOPSIS", "pbxctl users import", "EXIT STATUS", "--concurrency"] {
            XCTAssertTrue(text.contains(needle), "the rendered page lacks \(needle)")
        }
    }

    /// Runs a shell script with pbxctl on PATH and a profile to complete.
    /// `profiles`, when given, replaces pbxctl on PATH by a stub that prints those names:
    /// what a config file written by someone else could hold.
    func shell(_ program: String, _ arguments: [String], script: String, profiles: [String]? = nil) throws -> String {
        let home = PBX.temporaryDirectory()
        var environment = PBX.environment(home: home)
        environment["PATH"] = URL(fileURLWithPath: PBX.binary).deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        if let profiles {
            try FileManager.default.createDirectory(atPath: home + "/stub", withIntermediateDirectories: true)
            let quoted = profiles.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            try "#!/bin/sh\nprintf '%s\\n' \(quoted)\n".write(toFile: home + "/stub/pbxctl", atomically: true, encoding: .utf8)
            chmod(home + "/stub/pbxctl", 0o755)
            environment["PATH"] = home + "/stub:" + environment["PATH"]!
            environment["MARKS"] = home
        }
        PBX.run(["config", "set", "lab-pbx", "--type", "portsip", "--url", "https://pbx.example.com"], env: environment)
        let file = home + "/script"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments + [file]
        process.environment = environment
        process.currentDirectoryURL = PBX.packageRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 { throw XCTSkip("\(program) is not installed (scripts/test.sh installs it)") }
        return text
    }

    func testBash() throws {
        let output = try shell("bash", ["--norc", "--noprofile"], script: """
            [ -f /usr/share/bash-completion/bash_completion ] && source /usr/share/bash-completion/bash_completion
            source completions/pbxctl.bash
            complete -p pbxctl
            t() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _pbxctl; echo "[$*] ${COMPREPLY[*]}"; }
            t pbxctl us
            t pbxctl users ''
            t pbxctl -o ''
            t pbxctl users list --lim
            t pbxctl --profile ''
            t pbxctl me presence A
            t pbxctl -o json users li
            t pbxctl contacts sync --kind ''
            """)
        XCTAssertTrue(output.contains("complete -F _pbxctl pbxctl"), output)
        XCTAssertTrue(output.contains("[pbxctl us] users\n"), output)
        XCTAssertTrue(output.contains("[pbxctl users ] list get create") && output.contains(" import"), output)
        XCTAssertTrue(output.contains("[pbxctl -o ] table json jsonl csv tsv\n"), output)
        XCTAssertTrue(output.contains("[pbxctl users list --lim] --limit\n"), output)
        XCTAssertTrue(output.contains("[pbxctl --profile ] lab-pbx\n"), "profiles come from pbxctl config list -q: \(output)")
        XCTAssertTrue(output.contains("[pbxctl me presence A] AVAILABLE AWAY\n"), output)
        XCTAssertTrue(output.contains("[pbxctl -o json users li] list\n"), "global flags before the words are skipped: \(output)")
        XCTAssertTrue(output.contains("[pbxctl contacts sync --kind ] personal business extension\n"), output)
    }

    /// Starts an interactive zsh on a pseudo-terminal (zpty) with compinit and the
    /// completion loaded; `drain` reads until the shell goes quiet (or 10 s pass), so a
    /// slow machine is waited for.
    static let zshSession = """
        zmodload zsh/zpty
        zpty -b z zsh -f -i
        zpty -w z 'PS1="%% "; autoload -U compinit; compinit -u -d $HOME/.zcompdump; source completions/_pbxctl; setopt autolist nolistbeep; print READY-$((6*7))'
        drain() {
          local more quiet=0 tries=0
          out=
          while (( tries++ < 100 )); do
            if zpty -r -t z more; then out+=$more; quiet=0
            else (( quiet++ )); (( quiet >= 5 && ${#out} > 0 )) && break; sleep 0.1; fi
          done
        }
        until [[ $out == *READY-42* ]]; do drain; (( SECONDS > 20 )) && break; done
        """

    /// A real interactive zsh on a pseudo-terminal (zpty), with compinit, pressing TAB.
    func testZsh() throws {
        let output = try shell("zsh", ["-f"], script: """
            \(Self.zshSession)
            press() {
              zpty -w -n z "$1"$'\\t'
              drain
              print -r -- "=== $1"
              print -r -- "${out//$'\\e'\\[[0-9;]#[A-Za-z]/}" | tr -d '\\r\\b'
              zpty -w -n z $'\\x15'
              drain
            }
            press 'pbxctl us'
            press 'pbxctl -o '
            press 'pbxctl users li'
            press 'pbxctl --profile lab'
            zpty -d z
            """)
        let sections = output.components(separatedBy: "=== ")
        func section(_ prefix: String) -> String { sections.first { $0.hasPrefix(prefix) } ?? "" }
        XCTAssertTrue(section("pbxctl us\n").contains("pbxctl users"), output)
        let formats = section("pbxctl -o \n")
        for format in ["table", "json", "jsonl", "csv", "tsv"] { XCTAssertTrue(formats.contains(format), "zsh lists \(format): \(output)") }
        XCTAssertTrue(section("pbxctl users li\n").contains("pbxctl users list"), output)
        XCTAssertTrue(section("pbxctl --profile lab\n").contains("lab-pbx"), output)
    }

    func testFish() throws {
        let output = try shell("fish", ["--no-config"], script: """
            source completions/pbxctl.fish
            echo '== us'; complete -C 'pbxctl us'
            echo '== users'; complete -C 'pbxctl users '
            echo '== o'; complete -C 'pbxctl -o '
            echo '== profile'; complete -C 'pbxctl --profile '
            echo '== presence'; complete -C 'pbxctl me presence '
            echo '== agent'; complete -C 'pbxctl call-queues agent Q --set-status '
            """)
        let sections = Dictionary(uniqueKeysWithValues: output.components(separatedBy: "== ").dropFirst().map { section -> (String, [String]) in
            let lines = section.split(separator: "\n").map(String.init)
            return (lines[0], lines.dropFirst().map { $0.split(separator: "\t").first.map(String.init) ?? "" })
        })
        XCTAssertEqual(sections["us"], ["users"], output)
        XCTAssertTrue(sections["users"]?.contains("import") == true && sections["users"]?.contains("list") == true, output)
        XCTAssertEqual(Set(sections["o"] ?? []), ["table", "json", "jsonl", "csv", "tsv"], output)
        XCTAssertEqual(sections["profile"], ["lab-pbx"], output)
        XCTAssertEqual(Set(sections["presence"] ?? []), ["DO_NOT_DISTURB", "AVAILABLE", "AWAY", "BUSINESS_TRIP", "LUNCH"], output)
        XCTAssertTrue(sections["agent"]?.contains("BREAK") == true, output)
    }

    static let hostileProfiles = ["lab-pbx", "$(cd;touch dollar)", "`cd;touch backtick`", "$((6*7))", "*", "a b"]

    func assertNothingRan(_ output: String) {
        let home = output.components(separatedBy: "MARKS=").dropFirst().first?.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertFalse(home.isEmpty, output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/dollar"), "a profile name ran as a command: \(output)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/backtick"), "a profile name ran as a command: \(output)")
    }

    func testBashOffersProfileNamesAsLiteralText() throws {
        let output = try shell("bash", ["--norc", "--noprofile"], script: """
            source completions/pbxctl.bash
            echo "MARKS=$MARKS"
            COMP_WORDS=(pbxctl --profile ''); COMP_CWORD=2; COMPREPLY=(); _pbxctl
            printf '<%s>\\n' "${COMPREPLY[@]}"
            COMP_WORDS=(pbxctl --profile '$'); COMP_CWORD=2; COMPREPLY=(); _pbxctl
            printf 'dollar<%s>\\n' "${COMPREPLY[@]}"
            """, profiles: Self.hostileProfiles)
        assertNothingRan(output)
        for name in Self.hostileProfiles { XCTAssertTrue(output.contains("<\(name)>\n"), "\(name) offered as is: \(output)") }
        XCTAssertFalse(output.contains("<42>"), output)
        XCTAssertTrue(output.contains("dollar<$(cd;touch dollar)>\ndollar<$((6*7))>\n"), "prefix match on the literal text: \(output)")
    }

    func testBashOffersFileNamesWithSpacesAsOneCandidate() throws {
        let output = try shell("bash", ["--norc", "--noprofile"], script: """
            source completions/pbxctl.bash
            d=$(mktemp -d); cd "$d"
            touch 'my file.wav' '$(touch ran).wav' 'other.wav'
            COMP_WORDS=(pbxctl recordings download X -O 'my'); COMP_CWORD=5; COMPREPLY=(); _pbxctl
            printf 'my<%s>\\n' "${COMPREPLY[@]}"
            COMP_WORDS=(pbxctl recordings download X -O '$'); COMP_CWORD=5; COMPREPLY=(); _pbxctl
            printf 'dollar<%s>\\n' "${COMPREPLY[@]}"
            [ -e ran ] && echo RAN
            """)
        XCTAssertTrue(output.contains("my<my file.wav>\n"), output)
        XCTAssertFalse(output.contains("my<my>"), output)
        XCTAssertTrue(output.contains("dollar<$(touch ran).wav>\n"), output)
        XCTAssertFalse(output.contains("RAN"), "a file name ran as a command: \(output)")
    }

    func testFishOffersProfileNamesAsLiteralText() throws {
        let output = try shell("fish", ["--no-config"], script: """
            source completions/pbxctl.fish
            echo "MARKS=$MARKS"
            complete -C 'pbxctl --profile ' | string replace -r '^' '<' | string replace -r '$' '>'
            """, profiles: Self.hostileProfiles)
        assertNothingRan(output)
        for name in Self.hostileProfiles { XCTAssertTrue(output.contains("<\(name)"), "\(name) offered as is: \(output)") }
    }

    func testZshOffersProfileNamesAsLiteralText() throws {
        let output = try shell("zsh", ["-f"], script: """
            echo "MARKS=$MARKS"
            \(Self.zshSession)
            zpty -w -n z 'pbxctl --profile '$'\\t'
            drain
            print -r -- "=== listed"
            print -r -- "${out//$'\\e'\\[[0-9;]#[A-Za-z]/}" | tr -d '\\r\\b'
            zpty -d z
            """, profiles: Self.hostileProfiles)
        assertNothingRan(output)
        let listed = output.components(separatedBy: "=== listed").last ?? ""
        // zsh lists them quoted for the command line, as literal text: \$\(\(6\*7\)\)
        XCTAssertTrue(listed.contains("lab-pbx") && listed.contains(#"\$\(\(6\*7\)\)"#), "the names are listed: \(output)")
    }
}
