// A session's plan cache: the bound and optimised plan of a query, kept per
// statement text, so that a repeated `SELECT 1` (pool health checks, pgbench,
// the unnamed Parse/Bind/Execute of every extended-protocol query) skips the
// binder and the optimizer, at Parse (describe) and at Execute alike.
//
// What a kept plan may depend on is all in its key: the in-memory catalog's
// version (DDL), the governance catalog's version as last synchronised
// (grants, roles, masks, row policies, the masking secret — every statement
// synchronises first, so another process's GRANT counts from the next
// statement on), the access-control object and current user (SET ROLE,
// RESET ALL) and the session settings' version (search_path, TimeZone, every
// SET, RESET and set_config). A key that differs is a miss and the entry is
// bound afresh. Only plans that read no relation are kept (PlanReuse.swift):
// lake files and table-function directories change without any version, and
// pg_catalog rows are a snapshot. Statements with $n parameters are not kept
// (their values are bound into the plan), nor binds that consulted the
// pg_catalog snapshot. Kept plans are optimised without constant folding, so
// now(), current_user, current_setting() and the catalog functions are
// evaluated when the plan runs (with that statement's context), never frozen.

import Columnar
import Planner

/// The state a kept plan was bound and optimised in.
struct PlanCacheKey: Equatable {
    let catalogVersion: Int
    let governanceVersion: Int64?
    let settingsVersion: Int
    let accessControl: ObjectIdentifier
    let currentUser: String
}

/// A query's plan ready to run again.
final class CachedPlan {
    let key: PlanCacheKey
    let plan: LogicalPlan
    let fields: [Field]
    let origins: [ColumnOrigin?]
    /// The bind's binder, for the audit report (what was read, which policies applied).
    let binder: Binder
    /// Held so that the key's ObjectIdentifier cannot be reused by another access-control object.
    let accessControl: AccessControl
    init(key: PlanCacheKey, plan: LogicalPlan, fields: [Field], origins: [ColumnOrigin?], binder: Binder, accessControl: AccessControl) {
        self.key = key; self.plan = plan; self.fields = fields; self.origins = origins; self.binder = binder
        self.accessControl = accessControl
    }
}

/// Kept plans by statement text; bounded (when full it starts over, like StatementTextCache).
struct PlanCache {
    static let capacity = 64
    /// Longer texts are rarely repeated and not worth keeping.
    static let maxTextBytes = 16 << 10

    private var plans: [String: CachedPlan] = [:]

    func plan(_ text: String) -> CachedPlan? { plans[text] }

    mutating func store(_ text: String, _ plan: CachedPlan) {
        guard text.utf8.count <= Self.maxTextBytes else { return }
        if plans.count >= Self.capacity && plans[text] == nil { plans.removeAll(keepingCapacity: true) }
        plans[text] = plan
    }

    mutating func remove(_ text: String) { plans[text] = nil }

    var count: Int { plans.count }
}

extension Session {
    var planCacheKey: PlanCacheKey {
        PlanCacheKey(catalogVersion: database.catalog.version,
                     governanceVersion: database.governance.map { g in g.lock.withLock { g.syncedVersion } },
                     settingsVersion: settingsVersion, accessControl: ObjectIdentifier(accessControl),
                     currentUser: accessControl.currentUser)
    }

    /// Plans kept in this session (for tests and diagnostics).
    public var cachedPlanCount: Int { planCache.count }

    private var hasNoParameters: Bool {
        boundParameters.map { $0.types.isEmpty && $0.values.isEmpty } ?? true
    }

    /// The kept plan for `text` if it is still valid for the session's current state.
    func cachedPlan(text: String) -> CachedPlan? {
        guard hasNoParameters, let kept = planCache.plan(text) else { return nil }
        guard kept.key == planCacheKey else {
            planCache.remove(text)
            return nil
        }
        return kept
    }

    /// Keeps the plan of a query just bound by `lastBinder` when it may be reused; nil when not.
    func keepPlan(text: String, bound: BoundQuery) -> CachedPlan? {
        guard hasNoParameters, let binder = lastBinder, binder.parameterTypes.isEmpty, binder.referencedParameters.isEmpty,
              statementSystemCatalog?.snapshotTaken != true, bound.plan.readsNoRelation else { return nil }
        let plan = Optimizer.optimize(bound.plan, context: makeContext().functionContext, foldingSessionConstants: false)
        let kept = CachedPlan(key: planCacheKey, plan: plan, fields: bound.fields, origins: bound.origins, binder: binder,
                              accessControl: accessControl)
        planCache.store(text, kept)
        return kept
    }

    /// Runs a kept plan: only the operators are built anew (they hold the run's state).
    func runCachedPlan(_ kept: CachedPlan) throws -> QueryResult {
        lastBinder = kept.binder
        let context = makeContext()
        let op = try makePlanner(context: context).build(kept.plan)
        let result = QueryResult(fields: kept.fields, returnsRows: true, commandTag: "SELECT", tagForRows: { "SELECT \($0)" },
                                 produce: { try op.next() })
        result.columnOrigins = kept.origins
        return result
    }
}
