// Replaces a file's contents all at once: the text goes to a temporary file
// beside it, which is then renamed over it, so a reader (or a crash) sees the
// old contents or the new, never half. Foundation's `write(…, atomically:
// true)` does the same but creates the new file with the default mode: the
// REPL's history (0600, private to its user) became readable by everyone
// (0644) the first time it was trimmed. Here the caller gives the mode.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum FileReplacement {
    /// Writes `text` over the file at `path` (creating it with `mode`); the temporary file is
    /// removed again when any step fails.
    public static func replace(_ text: String, atPath path: String, mode: mode_t = 0o644) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd); unlink(temporary)
                throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path])
            }
            written += n
        }
        bytes.removeAll()
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
