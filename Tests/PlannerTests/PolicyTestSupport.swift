// A configurable AccessControl test double for the binder's policy tests
// (masks, row policies, privileges, READ FILES), and a helper that binds SQL
// through it and renders plans through the barrier.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

final class StubAccess: AccessControl {
    var sessionUser = "staff"
    var currentUser: String { sessionUser }
    var isSuperuser = false
    var superuserRoles: Set<String> = []
    func isSuperuser(_ role: String) -> Bool { superuserRoles.contains(role) }
    var roles: Set<String> = []
    /// "table.column" → policy
    var masks: [String: MaskingPolicyDefinition] = [:]
    /// table → policies (nil: RLS off)
    var rowPolicyTable: [String: [RowPolicyDefinition]] = [:]
    /// Relations (table names) nobody may select; (user, table) pairs allowed explicitly.
    var deniedTables: Set<String> = []
    var mayReadFiles = false
    var checks: [(String, String)] = []

    func isMember(of role: String) -> Bool { roles.contains(role) }
    func checkSelect(_ relation: RelationName, as user: String) throws {
        checks.append((relation.name, user))
        if user == sessionUser, deniedTables.contains(relation.name) {
            throw SQLError(SQLState.insufficientPrivilege, "permission denied for table \(relation.name)")
        }
    }
    func checkReadFiles() throws {
        if !mayReadFiles { throw SQLError(SQLState.insufficientPrivilege, "permission denied to read files") }
    }
    func maskingPolicy(for relation: RelationName, column: String, type: DataType) throws -> MaskingPolicyDefinition? {
        masks["\(relation.name).\(column)"]
    }
    func rowPolicies(for relation: RelationName) throws -> [RowPolicyDefinition]? {
        rowPolicyTable[relation.name]
    }

    func mask(_ table: String, _ column: String, _ body: String, type: DataType = .text, returns: DataType? = nil, name: String? = nil) {
        masks["\(table).\(column)"] = MaskingPolicyDefinition(name: name ?? "\(column)_mask", parameterName: "val", parameterType: type,
                                                              returnType: returns ?? type, bodySQL: body)
    }
    func policy(_ table: String, _ name: String, _ using: String) {
        rowPolicyTable[table, default: []].append(RowPolicyDefinition(name: name, roles: ["public"], usingSQL: using))
    }
}

enum PolicyFixture {
    static func binder(_ access: AccessControl) -> Binder { Binder(catalog: PlanFixture.catalog, accessControl: access) }

    static func bind(_ sql: String, _ access: AccessControl) throws -> LogicalPlan {
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { throw SQLError(SQLState.syntaxError, "not a query") }
        return try binder(access).bind(q).plan
    }
}

/// As assertRewrite, with the plan bound through `access` and rendered through barriers.
@discardableResult
func assertSecuredRewrite(_ sql: String, _ access: AccessControl, _ rule: (LogicalPlan) -> LogicalPlan, before: String, after: String,
                          file: StaticString = #filePath, line: UInt = #line) throws -> LogicalPlan {
    let plan = try PolicyFixture.bind(sql, access)
    XCTAssertEqual(plan.explain(revealPolicies: true), before, "plan before the rule", file: file, line: line)
    let rewritten = rule(plan)
    XCTAssertEqual(rewritten.explain(revealPolicies: true), after, "plan after the rule", file: file, line: line)
    assertSameOutput(plan, rewritten, file: file, line: line)
    return rewritten
}
