// The progress bar for statements running longer than a second, drawn on
// stderr by its own thread (only when stderr is a terminal): the share of
// row groups (morsels) scanned when the scans have planned them, the rows
// scanned per second and the time so far. It erases itself before results
// are printed.

import Foundation

public struct ProgressSnapshot: Equatable, Sendable {
    public var morselsTotal: Int
    public var morselsDone: Int
    public var rowsScanned: Int
    public init(morselsTotal: Int, morselsDone: Int, rowsScanned: Int) {
        self.morselsTotal = morselsTotal; self.morselsDone = morselsDone; self.rowsScanned = rowsScanned
    }
}

public enum ProgressLine {
    /// One line of progress, at most `width` columns.
    public static func render(_ p: ProgressSnapshot, elapsed: Double, width: Int) -> String {
        let rate = elapsed > 0 ? Double(p.rowsScanned) / elapsed : 0
        let stats = "\(count(p.rowsScanned)) rows  \(count(Int(rate)))/s  \(String(format: "%.1f", elapsed)) s"
        var text: String
        if p.morselsTotal > 0 {
            let fraction = min(1, Double(p.morselsDone) / Double(p.morselsTotal))
            let barWidth = max(10, min(30, width - displayWidth(stats) - 24))
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            text = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "] "
                + String(format: "%3d%%", Int(fraction * 100)) + "  \(p.morselsDone)/\(p.morselsTotal) row groups  " + stats
        } else {
            text = "running…  " + stats
        }
        if displayWidth(text) > width - 1 { text = BoxTable.truncate(text, to: max(1, width - 1)) }
        return text
    }

    /// 1234 → 1234, 12345 → 12.3K, 1234567 → 1.2M.
    static func count(_ n: Int) -> String {
        switch n {
        case ..<10_000: return String(n)
        case ..<1_000_000: return String(format: "%.1fK", Double(n) / 1e3)
        case ..<1_000_000_000: return String(format: "%.1fM", Double(n) / 1e6)
        default: return String(format: "%.1fG", Double(n) / 1e9)
        }
    }
}

/// Draws ProgressLine on a descriptor from a background thread until stopped.
final class ProgressDisplay: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false
    private var drawn = false
    private let read: () -> ProgressSnapshot
    private let descriptor: Int32
    private let delay: Double

    init(descriptor: Int32, delay: Double = 1.0, read: @escaping () -> ProgressSnapshot) {
        self.descriptor = descriptor
        self.delay = delay
        self.read = read
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.start()
    }

    private func run() {
        let started = Date()
        condition.lock()
        var deadline = started.addingTimeInterval(delay)
        while !stopped {
            if !condition.wait(until: deadline) && !stopped {
                let width = Terminal.size(descriptor)?.columns ?? 80
                let line = ProgressLine.render(read(), elapsed: Date().timeIntervalSince(started), width: width)
                Terminal.write(descriptor, "\r" + line + "\u{1B}[K")
                drawn = true
                deadline = Date().addingTimeInterval(0.2)
            }
        }
        if drawn { Terminal.write(descriptor, "\r\u{1B}[K") }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops drawing and erases the bar; returns once the thread is done.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
