// `lakesql policy export|apply`, and opening a session with --catalog/--user:
// the catalog defaults to ~/.lakesql/catalog.db for --user and for policy
// commands; plain `lakesql -c` without --catalog runs without one, as before.

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Columnar
import Engine
import Shell

/// A session for the CLI/REPL: the catalog's owner, or `user`. The catalog is `catalogPath`,
/// else ~/.lakesql/catalog.db for --user and for interactive use (the REPL passes
/// `interactive: true`), else none — so scripted `lakesql -c` behaves as it always did.
func openSession(lakePath: String?, catalogPath: String?, user: String?, client: String, interactive: Bool = false) throws -> Session {
    var path = catalogPath
    if path == nil, user != nil || interactive { path = try defaultCatalogPath() }
    let database = try Database(options: DatabaseOptions(lakePath: lakePath, catalogPath: path))
    if let user { return try database.connect(user: user, client: client) }
    return database.connect(client: client)
}

/// ~/.lakesql/catalog.db, creating ~/.lakesql (mode 0700) when needed.
func defaultCatalogPath() throws -> String {
    let path = CLIArguments.defaultCatalogPath
    let directory = String(path.dropLast("/catalog.db".count))
    if !FileManager.default.fileExists(atPath: directory) {
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw SQLError(SQLState.ioError, "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
    }
    return path
}

func runPolicy(_ options: PolicyCommandOptions) -> Int32 {
    do {
        let path = try options.catalogPath ?? defaultCatalogPath()
        // Exporting must not create an empty catalog as a side effect; applying may.
        if case .export = options.action, !FileManager.default.fileExists(atPath: path) {
            throw SQLError(SQLState.undefinedFile, "no catalog at \(path)", hint: "Name one with --catalog FILE.")
        }
        let database = try Database(options: DatabaseOptions(catalogPath: path))
        switch options.action {
        case .export:
            standardOutput.write(try database.exportPolicies())
        case .apply(let file):
            guard let data = FileManager.default.contents(atPath: file) else {
                standardError.write("lakesql: cannot read file '\(file)'\n")
                return 1
            }
            let sql = String(decoding: data, as: UTF8.self)
            do {
                try database.applyPolicies(sql)
            } catch {
                standardError.write(ErrorFormatter.format(error, sql: sql))
                standardError.write("lakesql: nothing was applied\n")
                return 1
            }
            standardOutput.write("policies applied from \(file)\n")
        }
        return 0
    } catch {
        standardError.write(ErrorFormatter.format(error))
        return 1
    }
}
