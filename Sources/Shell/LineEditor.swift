// Line editing through GNU readline, in its callback mode: the REPL's own
// loop waits on the terminal and on a pipe that the Ctrl-C watcher writes to,
// so an interrupt at the prompt clears the line without any work inside a
// signal handler. Readline's own signal handlers are off (the watcher owns
// SIGINT; SIGWINCH resizes through the same pipe). Completion asks the
// Completer; the matches keep its order (columns of the statement first).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import CReadline

/// SIGINT (and SIGWINCH) observed through DispatchSource: the signal itself is
/// ignored at the process level, the event handler runs on a queue, writes a
/// byte to a pipe the prompt loop polls, and calls `onInterrupt`.
public final class InterruptWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private let queue = DispatchQueue(label: "lakesql.signals")
    public var onInterrupt: (() -> Void)?

    public init() {
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
        if readDescriptor >= 0 { _ = fcntl(readDescriptor, F_SETFL, fcntl(readDescriptor, F_GETFL) | O_NONBLOCK) }
        // SIGCONT only tells the prompt to restore readline's terminal mode after Ctrl-Z / fg
        // (ignoring it does not stop it from continuing the process).
        for (number, byte) in [(SIGINT, UInt8(ascii: "i")), (SIGWINCH, UInt8(ascii: "w")), (SIGCONT, UInt8(ascii: "c"))] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                var b = byte
                _ = write(self.writeDescriptor, &b, 1)
                if number == SIGINT { self.onInterrupt?() }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Reads what is waiting in the pipe: whether an interrupt, a resize or a continue arrived.
    func drain() -> (interrupted: Bool, resized: Bool, continued: Bool) {
        var interrupted = false, resized = false, continued = false
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(readDescriptor, &buffer, buffer.count)
            if n <= 0 { break }
            for b in buffer[0..<n] {
                switch b {
                case UInt8(ascii: "i"): interrupted = true
                case UInt8(ascii: "c"): continued = true
                default: resized = true
                }
            }
        }
        return (interrupted, resized, continued)
    }
}

public final class LineEditor {
    public enum Input: Equatable { case line(String), interrupted, endOfInput }

    /// The editor the C callbacks talk to (one REPL per process).
    nonisolated(unsafe) static var current: LineEditor?

    private let watcher: InterruptWatcher
    /// Candidates for (word, text of the line before the word, whole line).
    public var complete: ((String, String, String) -> [String])?
    private var received: String?? = nil

    public init(watcher: InterruptWatcher) {
        self.watcher = watcher
        rl_readline_name = UnsafePointer(strdup("lakesql"))
        rl_catch_signals = 0
        rl_catch_sigwinch = 0
        rl_sort_completion_matches = 0
        // No `.` or `/`: schema.table and paths complete as one word; quotes break words so
        // that the path inside '…' is what is completed.
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n'\"(),;=<>+*|"))
        // Otherwise readline appends the quote that started the word as a delimiter after a match.
        rl_basic_quote_characters = UnsafePointer(strdup(""))
        rl_attempted_completion_function = { text, start, end in
            LineEditor.current?.completionMatches(start: Int(start), end: Int(end))
        }
        LineEditor.current = self
    }

    public func addToHistory(_ entry: String) { add_history(entry) }

    /// Reads one line with `prompt`; `.interrupted` when Ctrl-C was pressed at the prompt.
    public func read(prompt: String) -> Input {
        _ = watcher.drain()
        received = nil
        rl_callback_handler_install(prompt, LineEditor.lineHandler)
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: watcher.readDescriptor, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            if fds[1].revents != 0 {
                let (interrupted, resized, continued) = watcher.drain()
                if resized { rl_resize_terminal() }
                if continued, !interrupted {
                    // Back from Ctrl-Z: the shell reset the terminal; prepare it again and redraw the line.
                    let text = rl_line_buffer.map { String(cString: $0) } ?? ""
                    let point = rl_point
                    rl_callback_handler_remove()
                    Terminal.write(STDOUT_FILENO, "\n")
                    rl_callback_handler_install(prompt, LineEditor.lineHandler)
                    rl_replace_line(text, 0)
                    rl_point = min(point, rl_end)
                    rl_redisplay()
                }
                if interrupted {
                    // Like psql: the typed text stays visible, marked ^C, and a fresh prompt follows.
                    // Mark it before readline restores the terminal (which returns the cursor to column 0).
                    Terminal.write(STDOUT_FILENO, "^C\r\n")
                    rl_replace_line("", 0)
                    rl_callback_handler_remove()
                    return .interrupted
                }
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rl_callback_read_char()
                if let got = received {
                    received = nil
                    guard let line = got else { Terminal.write(STDOUT_FILENO, "\n"); return .endOfInput }
                    return .line(line)
                }
            }
        }
    }

    /// Called by readline with each finished line (nil at end of input).
    private static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        guard let editor = LineEditor.current else { return }
        if let line {
            editor.received = .some(String(cString: line))
            free(line)
        } else {
            editor.received = .some(nil)
        }
        // Stop reading keys until the REPL asks for the next line.
        rl_callback_handler_remove()
    }

    private func completionMatches(start: Int, end: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        // Paths inside '…' are completed without readline closing the quote.
        rl_completion_suppress_quote = 1
        guard let complete, let buffer = rl_line_buffer else { return nil }
        let bytes = Array(String(cString: buffer).utf8)
        let s = max(0, min(start, bytes.count)), e = max(s, min(end, bytes.count))
        let word = String(decoding: bytes[s..<e], as: UTF8.self)
        let before = String(decoding: bytes[0..<s], as: UTF8.self)
        let line = String(decoding: bytes, as: UTF8.self)
        let matches = complete(word, before, line)
        guard !matches.isEmpty else { return nil }
        if matches.count == 1, let only = matches.first, only.hasSuffix("/") || only.hasSuffix(".") {
            rl_completion_append_character = 0
        }
        let common = LineEditor.commonPrefix(matches)
        let substitution = matches.count == 1 ? matches[0] : (common.utf8.count >= word.utf8.count ? common : word)
        let list = matches.count == 1 ? [substitution] : [substitution] + matches
        // readline frees the array and its strings with free(), so both come from malloc.
        guard let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (list.count + 1)) else { return nil }
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count + 1)
        for (i, m) in list.enumerated() { array[i] = strdup(m) }
        array[list.count] = nil
        return array
    }

    static func commonPrefix(_ items: [String]) -> String {
        guard var prefix = items.first.map(Array.init) else { return "" }
        for item in items.dropFirst() {
            let chars = Array(item)
            var k = 0
            while k < prefix.count, k < chars.count, prefix[k] == chars[k] { k += 1 }
            prefix = Array(prefix[0..<k])
        }
        return String(prefix)
    }
}
