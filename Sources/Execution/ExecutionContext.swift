// Per-statement execution state shared by all operators of one query:
// function context (time zone, statement time), parameters, the current
// rows of enclosing queries for correlated subqueries, recursive-CTE work
// tables, materialised CTE rows, cancellation and the memory budget.

import Columnar
import Foundation
import Functions
import Planner

/// A cancellation flag that another thread may set (Ctrl-C, CancelRequest, timeout).
public final class CancellationToken: @unchecked Sendable {
    private var flag = false
    private var reasonMessage = "canceling statement due to user request"
    public init() {}
    public func cancel(reason: String? = nil) {
        if let reason { reasonMessage = reason }
        flag = true
    }
    public var isCancelled: Bool { flag }
    public func reset() { flag = false; reasonMessage = "canceling statement due to user request" }
    public func check() throws {
        if flag { throw SQLError(SQLState.queryCanceled, reasonMessage) }
    }
}

public final class ExecutionContext {
    public var functionContext: FunctionContext
    public var parameters: [Int: Value]
    /// Current row of the enclosing query at each nesting level (correlated subqueries).
    var outerRows: [Int: [Value]] = [:]
    /// Rows of recursive CTE work tables, by id.
    var workTables: [Int: [Batch]] = [:]
    /// Rows of materialised WITH queries, computed on first use (CTEScanOperator.swift).
    let materializedCTEs = MaterializedCTEResults()
    public let cancellation: CancellationToken
    /// Bytes of materialised state allowed (0 = unlimited).
    public var memoryLimit: Int
    /// Bytes reserved so far. Reserved from several threads at once (join builds in scan
    /// pipelines, a materialised CTE run by whichever reference pulls first), hence the lock.
    var memoryInUse: Int { memoryLock.withLock { reservedBytes } }
    private var reservedBytes = 0
    private let memoryLock = NSLock()
    /// Where scans report how far they have got (nil: nobody is watching).
    public var progress: QueryProgress?

    public init(functionContext: FunctionContext = FunctionContext(), parameters: [Int: Value] = [:],
                cancellation: CancellationToken = CancellationToken(), memoryLimit: Int = 0) {
        self.functionContext = functionContext
        self.parameters = parameters
        self.cancellation = cancellation
        self.memoryLimit = memoryLimit
    }

    func checkCancelled() throws { try cancellation.check() }

    /// Accounts for materialised memory; throws 53200 when over the limit.
    func reserve(bytes: Int) throws {
        let inUse = memoryLock.withLock { reservedBytes += bytes; return reservedBytes }
        if memoryLimit > 0 && inUse > memoryLimit {
            throw SQLError(SQLState.outOfMemory, "out of memory",
                           detail: "The query needed more than memory_limit (\(memoryLimit / (1 << 20)) MB) for materialised state.",
                           hint: "Raise it with SET memory_limit = '8GB', or make the query more selective.")
        }
    }
    func release(bytes: Int) { memoryLock.withLock { reservedBytes = max(0, reservedBytes - bytes) } }
}

/// Approximate heap footprint of a batch, for memory accounting.
func estimatedBytes(_ b: Batch) -> Int {
    var total = 0
    for v in b.columns {
        switch v.storage {
        case .bool(let a): total += a.count
        case .int64(let a): total += a.count * 8
        case .float64(let a): total += a.count * 8
        case .int128(let a): total += a.count * 16
        case .interval(let a): total += a.count * 16
        case .string(let s): total += s.bytes.count + s.offsets.count * 4
        case .list(let o, _): total += o.count * 4
        case .constant: total += 16
        case .dictionary(let i, _): total += i.count * 4
        }
        if v.validity != nil { total += v.count }
    }
    return total
}
