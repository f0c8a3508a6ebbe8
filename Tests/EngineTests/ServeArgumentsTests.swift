// `lakesql serve` argument parsing: defaults, every option, and the usage
// errors for bad values.

import Shell
import XCTest

final class ServeArgumentsTests: XCTestCase {
    func testDefaults() throws {
        guard case .serve(let o) = try CLIArguments.parse(["serve"]) else { return XCTFail("not serve") }
        XCTAssertEqual(o.host, "127.0.0.1")
        XCTAssertEqual(o.port, 5433)
        XCTAssertEqual(o.databaseName, "lakesql")
        XCTAssertEqual(o.authentication, "scram-sha-256")
        XCTAssertEqual(o.maxConnections, 100)
    }

    func testAllOptions() throws {
        let args = ["serve", "--listen", "[::1]:6000", "--lake", "L", "--catalog", "C", "--database", "db", "--tls-cert", "c.pem",
                    "--tls-key", "k.pem", "--max-connections=7", "--auth", "TRUST", "--password-file", "pw", "--shutdown-grace", "2.5"]
        guard case .serve(let o) = try CLIArguments.parse(args) else { return XCTFail("not serve") }
        XCTAssertEqual(o.host, "::1"); XCTAssertEqual(o.port, 6000)
        XCTAssertEqual(o.lakePath, "L"); XCTAssertEqual(o.catalogPath, "C"); XCTAssertEqual(o.databaseName, "db")
        XCTAssertEqual(o.tlsCertificate, "c.pem"); XCTAssertEqual(o.tlsKey, "k.pem")
        XCTAssertEqual(o.maxConnections, 7); XCTAssertEqual(o.authentication, "trust")
        XCTAssertEqual(o.passwordFile, "pw"); XCTAssertEqual(o.shutdownGraceSeconds, 2.5)
    }

    func testBadValuesAreUsageErrors() {
        for args in [["serve", "--listen", "nohost"], ["serve", "--listen", "h:70000"], ["serve", "--auth", "kerberos"],
                     ["serve", "--max-connections", "0"], ["serve", "--bogus"], ["serve", "--shutdown-grace", "-1"]] {
            XCTAssertThrowsError(try CLIArguments.parse(args), "\(args)") { XCTAssertTrue($0 is UsageError) }
        }
    }
}
