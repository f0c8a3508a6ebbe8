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
    /// removed again when any step fails, and the error names the system's reason.
    public static func replace(_ text: String, atPath path: String, mode: mode_t = 0o644) throws {
        let temporary = path + ".tmp-\(getpid())"
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        if fd < 0 && errno == EEXIST {
            // Left by a process that died mid-replacement with this same pid (a container's
            // REPL often starts with the same one): otherwise every later replacement would
            // fail. O_EXCL still refuses whatever may be put there in between.
            unlink(temporary)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        }
        guard fd >= 0 else { throw failure() }
        let written = Terminal.write(fd, text)
        let writeError = written ? nil : failure()
        guard close(fd) == 0, writeError == nil, rename(temporary, path) == 0 else {
            let error = writeError ?? failure()
            unlink(temporary)
            throw error
        }
    }

    /// errno as an error (its message is the system's, e.g. "No such file or directory").
    private static func failure() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
