// The security barrier the binder puts on top of every relation reference
// that has a row policy or a masked column:
//
//   Barrier ← everything the user wrote sits above this node
//     Project (masks: each masked column replaced by its policy body)
//       Filter (row policies, OR-combined)
//         Scan (or a view's plan)
//
// Optimizer rules treat the barrier as opaque: no user expression moves
// below it, except leak-proof comparisons of unmasked columns with literals
// (PushLeakproofPredicatesThroughBarriers), and no statistics are read
// through it. EXPLAIN shows the barrier as one line, hiding what runs on raw
// values below it (and its EXPLAIN ANALYZE counters); the executor replaces
// the message of an error raised below it, which may quote a raw value.
// `AccessReport` says what the binder checked and applied, for the audit log.

import Columnar

public final class PolicyBarrier {
    /// The relation as the catalog names it.
    public let relation: RelationName
    /// Names of the row policies OR-combined below the barrier; nil when row-level
    /// security is off for the relation, empty when no policy admits any row.
    public let rowPolicies: [String]?
    /// Masked output columns and the policy applied to each.
    public let masks: [AppliedMask]

    public init(relation: RelationName, rowPolicies: [String]?, masks: [AppliedMask]) {
        self.relation = relation; self.rowPolicies = rowPolicies; self.masks = masks
    }

    /// One line for EXPLAIN: policy names, never their expressions or data.
    public var summary: String {
        var parts: [String] = []
        if let rowPolicies {
            parts.append("row policies: " + (rowPolicies.isEmpty ? "none (no rows)" : rowPolicies.joined(separator: " OR ")))
        }
        if !masks.isEmpty {
            parts.append("masks: " + masks.map { "\($0.column) (\($0.policy))" }.joined(separator: ", "))
        }
        return "Policy Barrier \(relation) " + parts.joined(separator: "; ")
    }
}

public struct AppliedMask: Equatable, Sendable {
    public var relation: RelationName
    public var column: String
    public var policy: String
    public init(relation: RelationName, column: String, policy: String) {
        self.relation = relation; self.column = column; self.policy = policy
    }
}

public struct AppliedRowPolicies: Equatable, Sendable {
    public var relation: RelationName
    /// Empty: row-level security is on and no policy applies, so no row is visible.
    public var policies: [String]
    public init(relation: RelationName, policies: [String]) { self.relation = relation; self.policies = policies }
}

/// What binding one statement read and which policies it applied (for the audit log).
public struct AccessReport: Equatable, Sendable {
    /// Tables and views referenced, in order of first reference.
    public var relations: [RelationName] = []
    /// Raw files and file-reading table functions (`read_parquet('…')`, `FROM 'path'`).
    public var files: [String] = []
    public var masks: [AppliedMask] = []
    public var rowPolicies: [AppliedRowPolicies] = []
    public init() {}

    mutating func noteRelation(_ r: RelationName) { if !relations.contains(r) { relations.append(r) } }
    mutating func noteFile(_ f: String) { if !files.contains(f) { files.append(f) } }
    mutating func note(_ barrier: PolicyBarrier) {
        for m in barrier.masks where !masks.contains(m) { masks.append(m) }
        if let names = barrier.rowPolicies {
            let applied = AppliedRowPolicies(relation: barrier.relation, policies: names)
            if !rowPolicies.contains(applied) { rowPolicies.append(applied) }
        }
    }
}
