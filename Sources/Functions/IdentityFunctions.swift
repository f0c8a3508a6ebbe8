// Who is asking: current_user, current_role, user, session_user,
// is_member('role') and PostgreSQL's pg_has_role forms. Answers come from
// the session through `FunctionContext.identity`, so they follow SET ROLE
// and differ per session. is_member is what masking policy bodies use to
// unmask for privileged roles; it is false for unknown roles (fail closed).

import Columnar

/// The session's identity as functions see it (implemented by the Engine's access control).
public protocol SessionIdentity: AnyObject {
    /// The authenticated user (`session_user`).
    var sessionUser: String { get }
    /// The user or role privileges are checked for (`current_user`; changes with SET ROLE).
    var currentUser: String { get }
    /// Whether the current user is a superuser or, directly or by inheritance, a member of `role`.
    func isMember(of role: String) -> Bool
    /// Whether `user` is a superuser or a member of `role`; nil when either role does not exist.
    func hasRole(user: String, role: String) -> Bool?
    func isSuperuser(_ role: String) -> Bool
}

enum IdentityFunctions {
    static func register(into r: FunctionRegistry) {
        func niladic(_ name: String, _ value: @escaping (FunctionContext) -> String) {
            r.register(ScalarFunction(name: name) { args, _ in
                guard args.isEmpty else { return nil }
                return ScalarResolution(argumentTypes: [], returnType: .text) { _, n, ctx in
                    .constant(.string(value(ctx)), type: .text, count: n)
                }
            })
        }
        niladic("current_user") { $0.identity?.currentUser ?? "lakesql" }
        niladic("current_role") { $0.identity?.currentUser ?? "lakesql" }
        niladic("user") { $0.identity?.currentUser ?? "lakesql" }
        niladic("session_user") { $0.identity?.sessionUser ?? "lakesql" }

        r.register(ScalarFunction(name: "is_member") { args, unknown in
            guard let (_, types) = Overloads.best(args, unknown, [[.exact(.text)]]) else { return nil }
            return ScalarResolution(argumentTypes: types, returnType: .boolean) { a, n, ctx in
                perRow(a, n, .boolean) { values in
                    guard case .string(let role) = values[0] else { return .null }
                    return .bool(ctx.identity?.isMember(of: role) ?? true)
                }
            }
        })

        r.register(ScalarFunction(name: "pg_has_role") { args, unknown in
            guard let (index, types) = Overloads.best(args, unknown, [[.exact(.text), .exact(.text)],
                                                                      [.exact(.text), .exact(.text), .exact(.text)]]) else { return nil }
            return ScalarResolution(argumentTypes: types, returnType: .boolean) { a, n, ctx in
                try perRow(a, n, .boolean) { values in
                    var strings: [String] = []
                    for v in values { guard case .string(let s) = v else { return .null }; strings.append(s) }
                    let user = index == 0 ? (ctx.identity?.currentUser ?? "lakesql") : strings[0]
                    let role = strings[strings.count - 2]
                    return .bool(try hasRole(ctx.identity, user: user, role: role, privileges: strings[strings.count - 1]))
                }
            }
        })
    }

    /// PostgreSQL's privilege list: MEMBER, USAGE, SET, each optionally WITH ADMIN/GRANT OPTION; true when any is held.
    static func hasRole(_ identity: SessionIdentity?, user: String, role: String, privileges: String) throws -> Bool {
        guard let identity else { return true }
        var wanted: [(admin: Bool, text: String)] = []
        for item in privileges.split(separator: ",") {
            let words = item.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
            guard let first = words.first, ["member", "usage", "set"].contains(first) else {
                throw SQLError(SQLState.invalidParameterValue, "unrecognized privilege type: \"\(String(item).trimmingCharacters(in: " "))\"")
            }
            let rest = Array(words.dropFirst())
            guard rest.isEmpty || rest == ["with", "admin", "option"] || rest == ["with", "grant", "option"] else {
                throw SQLError(SQLState.invalidParameterValue, "unrecognized privilege type: \"\(String(item).trimmingCharacters(in: " "))\"")
            }
            wanted.append((!rest.isEmpty, first))
        }
        guard let member = identity.hasRole(user: user, role: role) else {
            let missing = identity.hasRole(user: user, role: user) == nil ? user : role
            throw SQLError(SQLState.undefinedObject, "role \"\(missing)\" does not exist")
        }
        // Admin option is not modelled: only superusers hold it.
        return wanted.contains { $0.admin ? identity.isSuperuser(user) : member }
    }

    static func perRow(_ args: [Vector], _ n: Int, _ type: DataType, _ body: ([Value]) throws -> Value) rethrows -> Vector {
        var out: [Value] = []
        out.reserveCapacity(n)
        for i in 0..<n { out.append(try body(args.map { $0.value(at: i) })) }
        return Vector.from(out, type: type)
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
