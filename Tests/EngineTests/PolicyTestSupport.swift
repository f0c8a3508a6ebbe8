// Test support for the policy suites: an in-memory AccessControl double
// (until the SQLite catalog answers for real), a table of personal data with
// known raw values, and helpers that gather everything a query shows — rows,
// column names, command tags, EXPLAIN lines, error texts — to check that no
// raw value ever appears in it.

import XCTest
import Columnar
import Planner
@testable import Engine

final class TestAccess: AccessControl {
    var sessionUser = "staff"
    var currentUser: String { sessionUser }
    var isSuperuser = false
    var roles: Set<String> = []
    var masks: [String: MaskingPolicyDefinition] = [:]
    /// Policies by tag: applied to columns in `tagged` whose type matches the policy's parameter.
    var taggedColumns: [String: String] = [:]
    var tagPolicies: [String: MaskingPolicyDefinition] = [:]
    var rowPolicyTable: [String: [RowPolicyDefinition]] = [:]
    var deniedTables: Set<String> = []
    var mayReadFiles = false
    var secret: [UInt8] = Array(repeating: 7, count: 32)

    func isMember(of role: String) -> Bool { roles.contains(role) }
    func checkSelect(_ relation: RelationName, as user: String) throws {
        if user == sessionUser, deniedTables.contains(relation.description) {
            throw SQLError(SQLState.insufficientPrivilege, "permission denied for table \(relation.name)")
        }
    }
    func checkReadFiles() throws {
        if !mayReadFiles && !isSuperuser { throw SQLError(SQLState.insufficientPrivilege, "permission denied to read files") }
    }
    /// Roles (view owners) that may read files.
    var fileReaders: Set<String> = []
    func checkReadFiles(as user: String) throws {
        if user == currentUser { return try checkReadFiles() }
        if !fileReaders.contains(user) { throw SQLError(SQLState.insufficientPrivilege, "permission denied to read files") }
    }
    func maskingPolicy(for relation: RelationName, column: String, type: DataType) throws -> MaskingPolicyDefinition? {
        // Keyed by schema-qualified names: a relation reached under another spelling must map to the same key.
        if let m = masks["\(relation).\(column)"] { return m }
        if let tag = taggedColumns["\(relation).\(column)"], let p = tagPolicies[tag], p.parameterType == type { return p }
        return nil
    }
    func rowPolicies(for relation: RelationName) throws -> [RowPolicyDefinition]? { rowPolicyTable[relation.description] }
    var maskingSecret: [UInt8] { secret }

    func mask(_ table: String, _ column: String, _ body: String, type: DataType = .text, returns: DataType? = nil) {
        masks["public.\(table).\(column)"] = MaskingPolicyDefinition(name: "\(column)_mask", parameterName: "val", parameterType: type,
                                                              returnType: returns ?? type, bodySQL: body)
    }
    func policy(_ table: String, _ name: String, _ using: String) {
        rowPolicyTable["public.\(table)", default: []].append(RowPolicyDefinition(name: name, roles: ["staff"], usingSQL: using))
    }
}

/// `people`: EU rows visible to staff (masked), US rows hidden by the row policy.
enum PersonalData {
    static let setup = """
        CREATE TABLE people (id int, name text, email text, phone text, ssn text, birth date, salary numeric(10,2), region text);
        INSERT INTO people VALUES
          (1, 'Ana', 'ana.qzx1@corp.example', '+351 555 111 2222', '111-11-1111', DATE '1987-07-23', 123456.78, 'EU'),
          (2, 'Ben', 'ben.qzx2@corp.example', '+49 555 333 4444', '222-22-2222', DATE '1990-02-14', 54321.09, 'EU'),
          (3, 'Cy', NULL, NULL, NULL, NULL, NULL, 'EU'),
          (4, 'Hidden Harriet', 'harriet.qzx4@corp.example', '+1 555 777 8888', '444-44-4444', DATE '1975-11-30', 999999.99, 'US'),
          (5, 'Hidden Hugo', 'hugo.qzx5@corp.example', '+1 555 999 0000', '555-55-5555', DATE '1969-04-01', 77777.77, 'US');
        CREATE TABLE guesses (g text);
        INSERT INTO guesses VALUES ('ana.qzx1@corp.example'), ('111-11-1111'), ('Hidden Harriet');
        """
    /// Raw values of masked columns and every value of hidden rows (beyond their region).
    static let secrets = [
        "ana.qzx1", "ben.qzx2", "harriet", "hugo", "qzx",
        "351 555", "111 2222", "49 555", "333 4444", "555 777", "777 8888", "555 999", "999 0000",
        "111-11-1111", "222-22-2222", "444-44-4444", "555-55-5555",
        "1987-07-23", "1990-02-14", "1975-11-30", "1969-04-01", "07-23", "02-14",
        "123456.78", "54321.09", "999999.99", "77777.77", "123456", "54321", "999999", "77777",
        "Hidden", "Harriet", "Hugo",
    ]

    static func restricted() -> TestAccess {
        let a = TestAccess()
        a.mask("people", "email", "mask_email(val)")
        a.mask("people", "phone", "mask_redact(val)")
        a.mask("people", "ssn", "mask_hash(val)")
        a.mask("people", "birth", "mask_year(val)", type: .date)
        a.mask("people", "salary", "mask_round(val, 10000)", type: .decimal(precision: 10, scale: 2))
        a.policy("people", "eu_only", "region = 'EU'")
        return a
    }

    static func session(_ access: TestAccess? = nil) throws -> Session {
        let s = try Database().connect()
        try s.executeScript(setup) { r in while try r.next() != nil {} }
        s.accessControl = access ?? restricted()
        return s
    }
}

/// Everything a statement shows its user, as text: column names, rows, command tag; or the error.
struct Shown {
    var text: String
    var rows: [[String]]
    var error: SQLError?
}

func show(_ s: Session, _ sql: String) -> Shown {
    do {
        let r = try s.execute(sql)
        var rows: [[String]] = []
        while let b = try r.next() {
            for i in 0..<b.count {
                rows.append(b.columns.enumerated().map { k, c in
                    let v = c.value(at: i)
                    return v.isNull ? "NULL" : ValueText.format(v, type: r.fields[k].type)
                })
            }
        }
        let text = ([r.fields.map(\.name).joined(separator: "|"), r.commandTag] + rows.map { $0.joined(separator: "|") }).joined(separator: "\n")
        return Shown(text: text, rows: rows, error: nil)
    } catch let e as SQLError {
        return Shown(text: [e.message, e.detail ?? "", e.hint ?? ""].joined(separator: "\n"), rows: [], error: e)
    } catch {
        return Shown(text: "\(error)", rows: [], error: nil)
    }
}

/// Runs `sql` and fails if any secret not typed in the statement itself appears in what it shows.
@discardableResult
func assertNoLeak(_ s: Session, _ sql: String, secrets: [String] = PersonalData.secrets,
                  file: StaticString = #filePath, line: UInt = #line) -> Shown {
    let shown = show(s, sql)
    let typed = sql.lowercased()
    for secret in secrets where !typed.contains(secret.lowercased()) {
        XCTAssertFalse(shown.text.lowercased().contains(secret.lowercased()),
                       "\"\(secret)\" leaked by: \(sql)\n\(shown.text)", file: file, line: line)
    }
    return shown
}
