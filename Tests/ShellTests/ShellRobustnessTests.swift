// Arbitrary input never traps the REPL's pure parts: the statement buffer,
// meta-command parsing, variable interpolation and completion are fed
// seeded pseudo-random text built from the characters that matter to them.

import XCTest
@testable import Shell

final class ShellRobustnessTests: XCTestCase {
    /// A small deterministic generator (no timing, no randomness between runs).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let pieces = ["'", "\"", "$", "$$", "$a$", "E'", "\\", "\\d", "\\x on", "\\set", ":", "::", ":'v'", ":\"v\"", ":v",
                         "--", "/*", "*/", "(", ")", ";", "\n", " ", "\t", "SELECT", "from", "o.", "lake.", "é", "日本", "🙂", "''", "\r\n"]

    func randomText(_ g: inout Generator) -> String {
        (0..<g.next(24)).map { _ in ShellRobustnessTests.pieces[g.next(ShellRobustnessTests.pieces.count)] }.joined()
    }

    func testRandomInputNeverTraps() {
        var g = Generator(state: 42)
        let completer = Completer(source: FixedCompletionSource(), directory: "/nonexistent")
        for _ in 0..<3000 {
            let text = randomText(&g)
            var buffer = StatementBuffer()
            var statements: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                statements += buffer.feed(line: String(line))
                _ = buffer.open.marker
            }
            for s in statements { XCTAssertTrue(s.hasSuffix(";"), s) }
            _ = buffer.takeRest()
            _ = try? MetaCommandParser.parse("\\" + text)
            _ = VariableInterpolation.apply(text, variables: ["v": "x'y", "a": ""])
            let cut = text.index(text.startIndex, offsetBy: g.next(text.count + 1))
            _ = completer.candidates(word: String(text[cut...].prefix(4)), before: String(text[..<cut]), statement: text)
        }
    }
}
