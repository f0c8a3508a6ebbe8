// The executor's side of a policy barrier (Planner/PolicyBarrier.swift):
// passes batches through, and replaces the message of any data error
// raised below it — where row policies and mask bodies run on raw values —
// so that an error can never quote a raw value (a cast in a policy body
// failing on a stored value would print it). The SQLSTATE is kept; errors
// that carry no data (cancellation, memory, I/O, privileges) pass unchanged.

import Columnar
import Planner

final class PolicyBarrierOperator: Operator {
    private let input: Operator
    private let barrier: PolicyBarrier

    init(input: Operator, barrier: PolicyBarrier) {
        self.input = input
        self.barrier = barrier
    }

    func next() throws -> Batch? {
        do {
            return try input.next()
        } catch let error as SQLError {
            throw PolicyBarrierOperator.sanitized(error, relation: barrier.relation)
        } catch {
            throw PolicyBarrierOperator.sanitized(SQLError(SQLState.internalError, ""), relation: barrier.relation)
        }
    }

    /// SQLSTATE classes whose messages never contain stored values.
    static let passedClasses: Set<Substring> = ["53", "57", "58"]

    static func sanitized(_ error: SQLError, relation: RelationName) -> SQLError {
        if passedClasses.contains(error.sqlState.prefix(2)) || error.sqlState == SQLState.insufficientPrivilege { return error }
        return SQLError(error.sqlState, "could not evaluate the row or masking policies of \(relation)",
                        hint: "A policy failed on a stored value, which is not shown. A data steward can check the policy definitions.")
    }
}
