// Command-line parsing of --catalog, --user and `lakesql policy`.

import XCTest
@testable import Shell

final class CatalogCommandLineTests: XCTestCase {
    func testCatalogAndUserOptions() throws {
        guard case .run(let o) = try CLIArguments.parse(["--catalog", "/tmp/c.db", "--user=bob", "-c", "SELECT 1"]) else { return XCTFail() }
        XCTAssertEqual(o.catalogPath, "/tmp/c.db")
        XCTAssertEqual(o.user, "bob")
        guard case .run(let plain) = try CLIArguments.parse(["-c", "SELECT 1"]) else { return XCTFail() }
        XCTAssertNil(plain.catalogPath, "plain -c runs without a catalog, as before")
        XCTAssertThrowsError(try CLIArguments.parse(["--user"]))
    }

    func testPolicyCommands() throws {
        XCTAssertEqual(try CLIArguments.parse(["policy", "export"]), .policy(PolicyCommandOptions(action: .export)))
        XCTAssertEqual(try CLIArguments.parse(["policy", "apply", "p.sql", "--catalog", "c.db"]),
                       .policy(PolicyCommandOptions(action: .apply("p.sql"), catalogPath: "c.db")))
        XCTAssertThrowsError(try CLIArguments.parse(["policy"]))
        XCTAssertThrowsError(try CLIArguments.parse(["policy", "apply"]))
        XCTAssertThrowsError(try CLIArguments.parse(["policy", "export", "--bogus"]))
        XCTAssertTrue(CLIArguments.defaultCatalogPath.hasSuffix("/.lakesql/catalog.db"))
    }
}
