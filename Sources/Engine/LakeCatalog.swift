// Wires a lake folder (DatabaseOptions.lakePath) into the Database: names
// not found among in-memory tables and views fall through to the folder's
// tables. In-memory relations win on a name clash, so `CREATE TABLE events`
// shadows the lake's `events` for the life of the Database.

import Columnar
import Lake
import Planner

extension Database {
    func attachLake(at path: String) throws {
        let lake = try LakeCatalog(root: path)
        catalog.fallback = lake
    }
}
