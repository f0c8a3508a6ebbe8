// What the REPL needs to know about the terminal: whether a descriptor is
// one (colours, progress, pager and line editing only then) and its size
// (for fitting tables and deciding on the pager), asked afresh each time so
// a resized window is honoured.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
private let posixWrite = Darwin.write
#endif

public enum Terminal {
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) != 0 }

    /// Rows and columns of the terminal on `descriptor`, or nil when it is not a terminal.
    public static func size(_ descriptor: Int32 = STDOUT_FILENO) -> (rows: Int, columns: Int)? {
        var ws = winsize()
        #if canImport(Glibc)
        let request = UInt(TIOCGWINSZ)
        #else
        let request = TIOCGWINSZ
        #endif
        guard ioctl(descriptor, request, &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else { return nil }
        return (Int(ws.ws_row), Int(ws.ws_col))
    }

    /// Writes straight to a descriptor, bypassing buffered sinks (progress bar, `^C`, the
    /// history file); false when not all of `text` could be written (errno says why).
    @discardableResult
    static func write(_ descriptor: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                buffer.baseAddress.map { posixWrite(descriptor, $0 + offset, buffer.count - offset) } ?? -1
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
