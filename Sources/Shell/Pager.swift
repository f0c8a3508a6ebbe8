// Long results go through a pager when they are taller than the terminal:
// $PAGER if set (an empty $PAGER turns paging off), otherwise `less -SRF`
// (chop long lines, keep colours, quit at once if it fits after all). The
// pager runs as a child with the default SIGINT disposition, so Ctrl-C
// reaches it although the REPL itself ignores the signal.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Foundation

public enum Pager {
    /// True when `text` has more lines than fit above the prompt.
    public static func isTooTall(_ text: String, terminalRows: Int) -> Bool {
        var lines = 0
        for b in text.utf8 where b == 0x0A {
            lines += 1
            if lines >= terminalRows { return true }
        }
        return false
    }

    /// The command to page with, or nil for none.
    public static func command(environment: [String: String]) -> String? {
        guard let pager = environment["PAGER"] else { return "less -SRF" }
        let trimmed = pager.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Runs `command` through /bin/sh with `text` on its standard input; false if it could not start.
    public static func show(_ text: String, command: String) -> Bool {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return false }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, environ)
        close(fds[0])
        guard status == 0 else { close(fds[1]); return false }
        // The pager may quit before reading everything (q in less): EPIPE then ends the write.
        let previous = signal(SIGPIPE, SIG_IGN)
        Terminal.write(fds[1], text)
        close(fds[1])
        signal(SIGPIPE, previous)
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        return true
    }
}
