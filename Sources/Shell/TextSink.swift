// Where the shell writes text: a buffered sink over a C FILE (stdout,
// stderr) for the CLI, and an in-memory sink for tests. Renderers write many
// small pieces, so the file sink gathers them into one buffer and hands the
// C library large writes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public protocol TextSink: AnyObject {
    func write(_ text: String)
    func flush()
}

public final class StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
    public func flush() {}
}

public final class FileSink: TextSink {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private let limit = 1 << 16
    private let closeOnDeinit: Bool

    /// `closeOnDeinit`: the sink owns the file (e.g. the REPL's \o FILE) and closes it when released.
    public init(file: UnsafeMutablePointer<FILE>, closeOnDeinit: Bool = false) {
        self.file = file
        self.closeOnDeinit = closeOnDeinit
        buffer.reserveCapacity(limit)
    }

    public static let standardOutput = FileSink(file: stdout)
    public static let standardError = FileSink(file: stderr)

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { flush() }
    }

    public func flush() {
        if !buffer.isEmpty {
            _ = buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            buffer.removeAll(keepingCapacity: true)
        }
        fflush(file)
    }

    deinit {
        flush()
        if closeOnDeinit { fclose(file) }
    }
}
