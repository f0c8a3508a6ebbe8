// Per-record timeout protection: one background thread watches the record
// currently running and cancels its session once it has run too long.
// Arming and disarming cost one lock each, so records pay almost nothing.

import Foundation

final class SLTWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private let timeout: Double
    private var deadline: Double = .infinity
    private var connection: SLTConnection?
    private var generation = 0
    private var firedGeneration = -1
    private var stopped = false
    private var thread: Thread?

    init(timeoutSeconds: Double) {
        timeout = timeoutSeconds
        guard timeoutSeconds > 0, timeoutSeconds.isFinite else { return }
        let t = Thread { [weak self] in self?.loop() }
        t.name = "sqllogictest-watchdog"
        thread = t
        t.start()
    }

    deinit { stop() }

    func stop() {
        lock.lock(); stopped = true; connection = nil; lock.unlock()
    }

    /// Starts timing a record run on `connection`.
    func arm(_ connection: SLTConnection) {
        guard thread != nil else { return }
        lock.lock()
        generation += 1
        self.connection = connection
        deadline = ProcessInfo.processInfo.systemUptime + timeout
        lock.unlock()
    }

    /// Stops timing; returns true when the watchdog cancelled this record.
    func disarm() -> Bool {
        guard thread != nil else { return false }
        lock.lock()
        let fired = firedGeneration == generation
        connection = nil
        deadline = .infinity
        lock.unlock()
        return fired
    }

    private func loop() {
        while true {
            Thread.sleep(forTimeInterval: min(0.1, max(0.01, timeout / 10)))
            lock.lock()
            if stopped { lock.unlock(); return }
            var victim: SLTConnection?
            if let c = connection, ProcessInfo.processInfo.systemUptime > deadline, firedGeneration != generation {
                firedGeneration = generation
                victim = c
            }
            lock.unlock()
            victim?.cancel()
        }
    }
}
