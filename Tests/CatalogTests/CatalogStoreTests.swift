// Unit tests of the SQLite catalog: migrations, roles and grants, policies,
// persistence across reopen, two connections at once, bad files, SCRAM.

import XCTest
import Columnar
@testable import Catalog

final class CatalogStoreTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "catalog-tests-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    var path: String { directory + "/catalog.db" }

    func open() throws -> CatalogStore { try CatalogStore(path: path, owner: "alice") }

    func expectState(_ state: String, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, state, "\(error)", file: file, line: line)
        }
    }

    func testNewCatalogHasOwnerSuperuserPublicSchemaAndSecret() throws {
        let store = try open()
        let s = try store.snapshot()
        XCTAssertEqual(s.owner, "alice")
        XCTAssertEqual(s.roles["alice"]?.isSuperuser, true)
        XCTAssertEqual(s.schemas["public"], "alice")
        XCTAssertEqual(s.secret.count, 32)
        XCTAssertNotEqual(s.secret, [UInt8](repeating: 0, count: 32))
        let mode = try store.query("PRAGMA journal_mode").first?.first?.text
        XCTAssertEqual(mode, "wal")
        for file in [path, path + "-wal"] {
            let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            XCTAssertEqual(permissions, 0o600, "\(file) is private to its owner")
        }
        XCTAssertEqual(try store.query("SELECT version FROM schema_version").first?.first?.integer, Int64(CatalogMigrations.latestVersion))
    }

    func testReopenKeepsEverythingAndTheSecret() throws {
        var secret: [UInt8] = []
        do {
            let store = try open()
            secret = try store.secret()
            try store.createRole(RoleRecord(name: "staff", canLogin: false))
            try store.createRole(RoleRecord(name: "bob", canLogin: true, passwordVerifier: "v"), inRoles: ["staff"])
            try store.grant(GrantRecord(grantee: "staff", privilege: .select, objectType: .table, objectName: "public.orders"))
            try store.putRelation(RelationRecord(ref: RelationRef(schema: "public", name: "v"), kind: .view, owner: "alice",
                                                 createSQL: "CREATE VIEW v AS SELECT 1"))
        }
        // A different OS user opening an existing file does not change its owner.
        let store = try CatalogStore(path: path, owner: "mallory")
        let s = try store.snapshot()
        XCTAssertEqual(s.owner, "alice")
        XCTAssertNil(s.roles["mallory"])
        XCTAssertEqual(s.secret, secret)
        XCTAssertEqual(s.effectiveRoles(of: "bob"), ["bob", "staff"])
        XCTAssertEqual(s.roles["bob"]?.passwordVerifier, "v")
        XCTAssertTrue(s.grants.contains(GrantRecord(grantee: "staff", privilege: .select, objectType: .table, objectName: "public.orders")))
        XCTAssertEqual(s.relations[RelationRef(schema: "public", name: "v")]?.createSQL, "CREATE VIEW v AS SELECT 1")
    }

    func testRoleErrorsUsePostgresStates() throws {
        let store = try open()
        try store.createRole(RoleRecord(name: "a", canLogin: false))
        try store.createRole(RoleRecord(name: "b", canLogin: false))
        expectState("42710") { try store.createRole(RoleRecord(name: "a", canLogin: true)) }
        try store.createRole(RoleRecord(name: "a", canLogin: true), ifNotExists: true)
        expectState("42704") { try store.grantRole("nobody", to: "a") }
        expectState("42704") { try store.dropRole("nobody") }
        try store.dropRole("nobody", ifExists: true)
        expectState("42939") { try store.createRole(RoleRecord(name: "public", canLogin: false)) }
        expectState("42939") { try store.createRole(RoleRecord(name: "pg_monitor", canLogin: false)) }
        try store.grantRole("a", to: "b")
        try store.grantRole("a", to: "b")    // already a member: no error
        expectState("0LP01") { try store.grantRole("b", to: "a") }
        expectState("0LP01") { try store.grantRole("a", to: "a") }
        expectState("42704") { try store.grant(GrantRecord(grantee: "ghost", privilege: .readFiles, objectType: .files, objectName: "")) }
        expectState("2BP01") { try store.dropRole("alice") }
        expectState("42501") { try store.alterRole("alice", isSuperuser: false) }
        expectState("42501") { try store.alterRole("alice", canLogin: false) }
        try store.alterRole("alice", isSuperuser: true)
    }

    func testInheritanceIsTransitiveAndRevokeBreaksIt() throws {
        let store = try open()
        for r in ["pii_reader", "analyst", "carol"] { try store.createRole(RoleRecord(name: r, canLogin: r == "carol")) }
        try store.grantRole("pii_reader", to: "analyst")
        try store.grantRole("analyst", to: "carol")
        XCTAssertTrue(try store.snapshot().effectiveRoles(of: "carol").contains("pii_reader"))
        XCTAssertEqual(try store.snapshot().members(of: "pii_reader"), ["analyst", "carol"])
        try store.revokeRole("analyst", from: "carol")
        XCTAssertEqual(try store.snapshot().effectiveRoles(of: "carol"), ["carol"])
    }

    func testDropRoleRemovesGrantsButNotWhileItOwnsOrIsNamedByAPolicy() throws {
        let store = try open()
        try store.createRole(RoleRecord(name: "steward", canLogin: true))
        try store.grant(GrantRecord(grantee: "steward", privilege: .readFiles, objectType: .files, objectName: ""))
        let t = RelationRef(schema: "public", name: "t")
        try store.putRelation(RelationRecord(ref: t, kind: .table, owner: "steward", createSQL: "CREATE TABLE t (a int)"))
        expectState("2BP01") { try store.dropRole("steward") }
        try store.putRelation(RelationRecord(ref: t, kind: .table, owner: "alice", createSQL: "CREATE TABLE t (a int)"))
        try store.createRowPolicy(RowPolicyRecord(table: t, name: "p", roles: ["steward"], usingSQL: "a > 0"))
        expectState("2BP01") { try store.dropRole("steward") }
        try store.dropRowPolicy("p", on: t)
        try store.dropRole("steward")
        XCTAssertTrue(try store.snapshot().grants.isEmpty)
    }

    func testRevokeAllTablesInSchemaRemovesTableGrantsOfThatSchemaOnly() throws {
        let store = try open()
        try store.createRole(RoleRecord(name: "r", canLogin: false))
        try store.grant(GrantRecord(grantee: "r", privilege: .select, objectType: .schema, objectName: "sales"))
        try store.grant(GrantRecord(grantee: "r", privilege: .select, objectType: .table, objectName: "sales.orders"))
        try store.grant(GrantRecord(grantee: "r", privilege: .select, objectType: .table, objectName: "sales_x.orders"))
        try store.revoke(GrantRecord(grantee: "r", privilege: .select, objectType: .schema, objectName: "sales"))
        XCTAssertEqual(try store.snapshot().grants.map(\.objectName), ["sales_x.orders"])
    }

    func testMaskingPoliciesTagsAndTheirDependencies() throws {
        let store = try open()
        let email = MaskingPolicyRecord(name: "email_mask", parameterName: "val", parameterType: "text", returnType: "text",
                                        bodySQL: "mask_email(val)")
        try store.createMaskingPolicy(email)
        expectState("42710") { try store.createMaskingPolicy(email) }
        var replaced = email
        replaced.bodySQL = "mask_redact(val)"
        try store.createMaskingPolicy(replaced, orReplace: true)
        XCTAssertEqual(try store.snapshot().maskingPolicies["email_mask"]?.bodySQL, "mask_redact(val)")
        let column = ColumnRef(table: RelationRef(schema: "public", name: "customers"), column: "email")
        expectState("42704") { try store.setColumnMask(column, policy: "nope") }
        try store.setColumnMask(column, policy: "email_mask")
        expectState("2BP01") { try store.dropMaskingPolicy("email_mask") }
        try store.unsetColumnMask(column)

        try store.createTag("pii")
        expectState("42710") { try store.createTag("pii") }
        try store.setColumnTag(column, tag: "pii")
        try store.setTagPolicy(tag: "pii", policy: "email_mask")
        let redactText = MaskingPolicyRecord(name: "redact_text", parameterName: "v", parameterType: "text", returnType: "text", bodySQL: "'***'")
        let redactDate = MaskingPolicyRecord(name: "redact_date", parameterName: "v", parameterType: "date", returnType: "date", bodySQL: "NULL")
        try store.createMaskingPolicy(redactText)
        try store.createMaskingPolicy(redactDate)
        try store.setTagPolicy(tag: "pii", policy: "redact_text")   // same type: replaces email_mask
        try store.setTagPolicy(tag: "pii", policy: "redact_date")
        XCTAssertEqual(try store.snapshot().tagPolicies["pii"], ["redact_text", "redact_date"])
        expectState("2BP01") { try store.dropMaskingPolicy("redact_text") }
        try store.dropMaskingPolicy("email_mask")
        try store.dropTag("pii")
        let s = try store.snapshot()
        XCTAssertTrue(s.columnTags.isEmpty)
        XCTAssertNil(s.tagPolicies["pii"])
        try store.dropMaskingPolicy("redact_text")
    }

    func testRowPoliciesKeepRoleOrderAndDropWithTheTable() throws {
        let store = try open()
        for r in ["emea", "apac"] { try store.createRole(RoleRecord(name: r, canLogin: false)) }
        let t = RelationRef(schema: "public", name: "orders")
        try store.putRelation(RelationRecord(ref: t, kind: .external, owner: "alice", createSQL: "CREATE EXTERNAL TABLE …"))
        try store.setRowLevelSecurity(t, enabled: true)
        try store.createRowPolicy(RowPolicyRecord(table: t, name: "regional", roles: ["emea", "apac"], usingSQL: "region = 'EU'"))
        expectState("42710") { try store.createRowPolicy(RowPolicyRecord(table: t, name: "regional", roles: ["emea"], usingSQL: "true")) }
        expectState("42704") { try store.createRowPolicy(RowPolicyRecord(table: t, name: "x", roles: ["ghost"], usingSQL: "true")) }
        var s = try store.snapshot()
        XCTAssertEqual(s.rowPolicies[t]?.first?.roles, ["emea", "apac"])
        XCTAssertTrue(s.rowLevelSecurity.contains(t))
        try store.deleteRelation(t)
        s = try store.snapshot()
        XCTAssertNil(s.rowPolicies[t])
        XCTAssertFalse(s.rowLevelSecurity.contains(t))
        expectState("42704") { try store.dropRowPolicy("regional", on: t) }
    }

    func testWriteIsAllOrNothing() throws {
        let store = try open()
        expectState("42704") {
            try store.write {
                try store.createRole(RoleRecord(name: "first", canLogin: false))
                try store.grantRole("missing", to: "first")
            }
        }
        XCTAssertNil(try store.snapshot().roles["first"])
        XCTAssertFalse(store.inTransaction)
    }

    func testTwoConnectionsSeeEachOthersChanges() throws {
        let a = try open(), b = try open()
        XCTAssertNil(try b.snapshot().roles["x"])
        try a.createRole(RoleRecord(name: "x", canLogin: false))
        XCTAssertNotNil(try b.snapshot().roles["x"], "a commit on one connection is visible on the next snapshot of the other")
        try b.dropRole("x")
        XCTAssertNil(try a.snapshot().roles["x"])
        // While one connection holds the write lock the other waits (busy timeout) and then succeeds.
        let done = expectation(description: "second writer")
        try a.write {
            try a.createRole(RoleRecord(name: "y", canLogin: false))
            DispatchQueue.global().async {
                do { try b.createRole(RoleRecord(name: "z", canLogin: false)) } catch { XCTFail("\(error)") }
                done.fulfill()
            }
            usleep(50_000)
        }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(Set(try a.snapshot().roles.keys), ["alice", "auditor", "y", "z"])
    }

    func testConcurrentWritersFromManyThreadsLoseNothing() throws {
        let stores = try (0..<4).map { _ in try open() }
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            do { try stores[i % 4].createRole(RoleRecord(name: "r\(i)", canLogin: false)) } catch { XCTFail("\(error)") }
        }
        XCTAssertEqual(try stores[0].snapshot().roles.count, 42)
    }

    func testCorruptFileGivesClearError() throws {
        FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x41, count: 8192))
        expectState("XX001") { _ = try open() }
        do { _ = try open() } catch let e as SQLError {
            XCTAssertTrue(e.message.contains("not a LakeSQL catalog"), e.message)
        }
    }

    func testAnotherApplicationsDatabaseIsLeftAlone() throws {
        do {
            let raw = try SQLiteConnection(path: path)
            try raw.execute("CREATE TABLE invoices (id INTEGER)")
        }
        expectState("XX001") { _ = try open() }
        let raw = try SQLiteConnection(path: path)
        XCTAssertEqual(try raw.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text }, ["invoices"])
        XCTAssertEqual(try raw.query("PRAGMA journal_mode").first?.first?.text, "delete", "not even the journal mode changed")
    }

    func testNewerSchemaVersionIsRefused() throws {
        _ = try open()
        let raw = try SQLiteConnection(path: path)
        try raw.query("UPDATE schema_version SET version = 999")
        expectState(SQLState.configFileError) { _ = try open() }
    }

    func testUnwritableLocationGivesIOError() {
        expectState(SQLState.ioError) { _ = try CatalogStore(path: directory + "/missing/dir/catalog.db", owner: "a") }
    }

    func testAuditAppendReadAndPrune() throws {
        let store = try open()
        let now: Int64 = 1_700_000_000_000_000
        try store.appendAudit(AuditEntry(time: now - 40 * 86_400_000_000, user: "bob", roles: ["bob", "staff"], client: "cli",
                                         statement: "SELECT ?", objects: ["public.t"], rows: 1, durationMicros: 5))
        try store.appendAudit(AuditEntry(time: now, user: "carol", roles: ["carol"], client: "127.0.0.1:5000",
                                         statement: "SELECT 2", masks: ["public.t.email: email_mask"], sqlState: "42501"))
        var entries = try store.auditEntries()
        XCTAssertEqual(entries.map(\.user), ["bob", "carol"])
        XCTAssertEqual(entries[0].roles, ["bob", "staff"])
        XCTAssertEqual(entries[0].rows, 1)
        XCTAssertNil(entries[1].rows)
        XCTAssertEqual(entries[1].sqlState, "42501")
        let versionBefore = try store.snapshot().version
        XCTAssertEqual(try store.pruneAudit(olderThanDays: 30, now: now), 1)
        entries = try store.auditEntries()
        XCTAssertEqual(entries.map(\.user), ["carol"])
        XCTAssertEqual(try store.snapshot().version, versionBefore, "audit writes do not invalidate snapshots")
    }

    func testScramVerifierMatchesIndependentComputation() throws {
        // Keys for password "pencil" and the RFC 7677 salt, computed with Python's hashlib/hmac.
        let salt = try XCTUnwrap(Base64.decode("W22ZaJ0SNY7soEsUEjb6gQ=="))
        XCTAssertEqual(ScramVerifier.make(password: "pencil", salt: salt, iterations: 4096),
                       "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")
        // RFC 7914 §11 PBKDF2-HMAC-SHA256 vector.
        XCTAssertEqual(Digest.hex(ScramVerifier.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)),
                       "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        let v1 = try ScramVerifier.make(password: "s3cret"), v2 = try ScramVerifier.make(password: "s3cret")
        XCTAssertNotEqual(v1, v2, "fresh salt each time")
        XCTAssertFalse(v1.contains("s3cret"))
        XCTAssertTrue(ScramVerifier.matches(password: "s3cret", verifier: v1))
        XCTAssertFalse(ScramVerifier.matches(password: "s3creT", verifier: v1))
        XCTAssertNil(ScramVerifier.parse("SCRAM-SHA-256$x:y$z"))
        XCTAssertNil(ScramVerifier.parse("md5abc"))
    }

    func testBase64RoundTripAndRejectsGarbage() {
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 11) & 0xff) }
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes)
        }
        XCTAssertEqual(Base64.encode(Array("foobar".utf8)), "Zm9vYmFy")
        XCTAssertEqual(Base64.encode(Array("fo".utf8)), "Zm8=")
        XCTAssertNil(Base64.decode("Zm9"))
        XCTAssertNil(Base64.decode("Z=9v"))
        XCTAssertNil(Base64.decode("Zm9*"))
    }
}
