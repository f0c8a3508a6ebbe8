// Reuse of the bind done at Parse (wire protocol) by the Execute that follows.
// The extended protocol describes a statement at Parse (which binds it) and
// runs it at Execute (which would bind it again); for a query without $n
// parameters the second bind gives the same plan unless something changed in
// between. The kept bind is used at most once, only by the next statement the
// session runs, and only when that statement is the same text, no statement
// ran since, and neither the in-memory catalog nor the governance catalog
// (grants, masks, row policies) has changed — so SET ROLE, SET, DDL and policy
// changes always lead to a fresh bind.

import Planner

/// A bind kept from `describe` for the next execution of the same statement.
struct PreparedBinding {
    let text: String
    let binder: Binder
    let bound: BoundQuery
    let key: PreparedBindingKey
}

struct PreparedBindingKey: Equatable {
    let statementsRun: Int
    let catalogVersion: Int
    let governanceVersion: Int64?
}

extension Session {
    var preparedBindingKey: PreparedBindingKey {
        PreparedBindingKey(statementsRun: statementsRun, catalogVersion: database.catalog.version,
                           governanceVersion: database.governance.map { g in g.lock.withLock { g.syncedVersion } })
    }

    /// Keeps a bind made while describing a statement without parameters.
    func keepPreparedBinding(text: String, binder: Binder, bound: BoundQuery) {
        preparedBinding = PreparedBinding(text: text, binder: binder, bound: bound, key: preparedBindingKey)
    }

    /// The kept bind for `text` when it is still valid (it is given out once either way).
    func takePreparedBinding(text: String) -> BoundQuery? {
        guard let kept = preparedBinding else { return nil }
        preparedBinding = nil
        guard kept.text == text, boundParameters.map({ $0.values.isEmpty && $0.types.isEmpty }) ?? true,
              kept.key == preparedBindingKey else { return nil }
        lastBinder = kept.binder
        return kept.bound
    }
}
