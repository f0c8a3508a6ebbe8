// PostgreSQL's built-in types as clients know them: OIDs, names, lengths,
// categories and array types (the pg_type rows of PostgreSQL 15), the
// DataType → OID/typmod mapping, and format_type's spelling. Shared by the
// system catalog (pg_type, format_type, regtype) and the wire protocol
// (RowDescription), so both report the same numbers.

public struct PostgresTypeInfo: Sendable {
    public var oid: Int32
    public var name: String
    public var length: Int16
    public var byValue: Bool
    /// typtype: b base, c composite, d domain, e enum, p pseudo, r range, m multirange.
    public var kind: Character
    public var category: Character
    public var preferred: Bool
    public var delimiter: Character
    /// The element type of an array type (0 otherwise).
    public var element: Int32
    /// The array type whose elements are this type (0 if none).
    public var array: Int32
    public var input: (oid: Int32, name: String)
    public var output: (oid: Int32, name: String)
    public var receive: (oid: Int32, name: String)
    public var send: (oid: Int32, name: String)
    public var align: Character
    public var storage: Character
    public var collation: Int32
}

public enum PostgresTypes {
    public static let all: [PostgresTypeInfo] = [
        PostgresTypeInfo(oid: 16, name: "bool", length: 1, byValue: true, kind: "b", category: "B", preferred: true, delimiter: ",", element: 0, array: 1000, input: (1242, "boolin"), output: (1243, "boolout"), receive: (2436, "boolrecv"), send: (2437, "boolsend"), align: "c", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 17, name: "bytea", length: -1, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 1001, input: (1244, "byteain"), output: (31, "byteaout"), receive: (2412, "bytearecv"), send: (2413, "byteasend"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 18, name: "char", length: 1, byValue: true, kind: "b", category: "Z", preferred: false, delimiter: ",", element: 0, array: 1002, input: (1245, "charin"), output: (33, "charout"), receive: (2434, "charrecv"), send: (2435, "charsend"), align: "c", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 19, name: "name", length: 64, byValue: false, kind: "b", category: "S", preferred: false, delimiter: ",", element: 18, array: 1003, input: (34, "namein"), output: (35, "nameout"), receive: (2422, "namerecv"), send: (2423, "namesend"), align: "c", storage: "p", collation: 950),
        PostgresTypeInfo(oid: 20, name: "int8", length: 8, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 1016, input: (460, "int8in"), output: (461, "int8out"), receive: (2408, "int8recv"), send: (2409, "int8send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 21, name: "int2", length: 2, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 1005, input: (38, "int2in"), output: (39, "int2out"), receive: (2404, "int2recv"), send: (2405, "int2send"), align: "s", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 22, name: "int2vector", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 21, array: 1006, input: (40, "int2vectorin"), output: (41, "int2vectorout"), receive: (2410, "int2vectorrecv"), send: (2411, "int2vectorsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 23, name: "int4", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 1007, input: (42, "int4in"), output: (43, "int4out"), receive: (2406, "int4recv"), send: (2407, "int4send"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 24, name: "regproc", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 1008, input: (44, "regprocin"), output: (45, "regprocout"), receive: (2444, "regprocrecv"), send: (2445, "regprocsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 25, name: "text", length: -1, byValue: false, kind: "b", category: "S", preferred: true, delimiter: ",", element: 0, array: 1009, input: (46, "textin"), output: (47, "textout"), receive: (2414, "textrecv"), send: (2415, "textsend"), align: "i", storage: "x", collation: 100),
        PostgresTypeInfo(oid: 26, name: "oid", length: 4, byValue: true, kind: "b", category: "N", preferred: true, delimiter: ",", element: 0, array: 1028, input: (1798, "oidin"), output: (1799, "oidout"), receive: (2418, "oidrecv"), send: (2419, "oidsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 27, name: "tid", length: 6, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 1010, input: (48, "tidin"), output: (49, "tidout"), receive: (2438, "tidrecv"), send: (2439, "tidsend"), align: "s", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 28, name: "xid", length: 4, byValue: true, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 1011, input: (50, "xidin"), output: (51, "xidout"), receive: (2440, "xidrecv"), send: (2441, "xidsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 29, name: "cid", length: 4, byValue: true, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 1012, input: (52, "cidin"), output: (53, "cidout"), receive: (2442, "cidrecv"), send: (2443, "cidsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 30, name: "oidvector", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 26, array: 1013, input: (54, "oidvectorin"), output: (55, "oidvectorout"), receive: (2420, "oidvectorrecv"), send: (2421, "oidvectorsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 114, name: "json", length: -1, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 199, input: (321, "json_in"), output: (322, "json_out"), receive: (323, "json_recv"), send: (324, "json_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 142, name: "xml", length: -1, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 143, input: (2893, "xml_in"), output: (2894, "xml_out"), receive: (2898, "xml_recv"), send: (2899, "xml_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 143, name: "_xml", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 142, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 194, name: "pg_node_tree", length: -1, byValue: false, kind: "b", category: "Z", preferred: false, delimiter: ",", element: 0, array: 0, input: (195, "pg_node_tree_in"), output: (196, "pg_node_tree_out"), receive: (197, "pg_node_tree_recv"), send: (198, "pg_node_tree_send"), align: "i", storage: "x", collation: 100),
        PostgresTypeInfo(oid: 199, name: "_json", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 114, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 271, name: "_xid8", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 5069, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 650, name: "cidr", length: -1, byValue: false, kind: "b", category: "I", preferred: false, delimiter: ",", element: 0, array: 651, input: (1267, "cidr_in"), output: (1427, "cidr_out"), receive: (2498, "cidr_recv"), send: (2499, "cidr_send"), align: "i", storage: "m", collation: 0),
        PostgresTypeInfo(oid: 651, name: "_cidr", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 650, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 700, name: "float4", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 1021, input: (200, "float4in"), output: (201, "float4out"), receive: (2424, "float4recv"), send: (2425, "float4send"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 701, name: "float8", length: 8, byValue: true, kind: "b", category: "N", preferred: true, delimiter: ",", element: 0, array: 1022, input: (214, "float8in"), output: (215, "float8out"), receive: (2426, "float8recv"), send: (2427, "float8send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 705, name: "unknown", length: -2, byValue: false, kind: "p", category: "X", preferred: false, delimiter: ",", element: 0, array: 0, input: (109, "unknownin"), output: (110, "unknownout"), receive: (2416, "unknownrecv"), send: (2417, "unknownsend"), align: "c", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 790, name: "money", length: 8, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 791, input: (886, "cash_in"), output: (887, "cash_out"), receive: (2492, "cash_recv"), send: (2493, "cash_send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 791, name: "_money", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 790, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 829, name: "macaddr", length: 6, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 1040, input: (436, "macaddr_in"), output: (437, "macaddr_out"), receive: (2494, "macaddr_recv"), send: (2495, "macaddr_send"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 869, name: "inet", length: -1, byValue: false, kind: "b", category: "I", preferred: true, delimiter: ",", element: 0, array: 1041, input: (910, "inet_in"), output: (911, "inet_out"), receive: (2496, "inet_recv"), send: (2497, "inet_send"), align: "i", storage: "m", collation: 0),
        PostgresTypeInfo(oid: 1000, name: "_bool", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 16, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1001, name: "_bytea", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 17, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1002, name: "_char", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 18, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1003, name: "_name", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 19, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 950),
        PostgresTypeInfo(oid: 1005, name: "_int2", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 21, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1006, name: "_int2vector", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 22, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1007, name: "_int4", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 23, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1008, name: "_regproc", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 24, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1009, name: "_text", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 25, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 100),
        PostgresTypeInfo(oid: 1010, name: "_tid", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 27, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1011, name: "_xid", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 28, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1012, name: "_cid", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 29, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1013, name: "_oidvector", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 30, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1014, name: "_bpchar", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1042, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 100),
        PostgresTypeInfo(oid: 1015, name: "_varchar", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1043, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 100),
        PostgresTypeInfo(oid: 1016, name: "_int8", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 20, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1021, name: "_float4", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 700, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1022, name: "_float8", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 701, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1028, name: "_oid", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 26, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1033, name: "aclitem", length: 12, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 1034, input: (1031, "aclitemin"), output: (1032, "aclitemout"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 1034, name: "_aclitem", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1033, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1040, name: "_macaddr", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 829, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1041, name: "_inet", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 869, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1042, name: "bpchar", length: -1, byValue: false, kind: "b", category: "S", preferred: false, delimiter: ",", element: 0, array: 1014, input: (1044, "bpcharin"), output: (1045, "bpcharout"), receive: (2430, "bpcharrecv"), send: (2431, "bpcharsend"), align: "i", storage: "x", collation: 100),
        PostgresTypeInfo(oid: 1043, name: "varchar", length: -1, byValue: false, kind: "b", category: "S", preferred: false, delimiter: ",", element: 0, array: 1015, input: (1046, "varcharin"), output: (1047, "varcharout"), receive: (2432, "varcharrecv"), send: (2433, "varcharsend"), align: "i", storage: "x", collation: 100),
        PostgresTypeInfo(oid: 1082, name: "date", length: 4, byValue: true, kind: "b", category: "D", preferred: false, delimiter: ",", element: 0, array: 1182, input: (1084, "date_in"), output: (1085, "date_out"), receive: (2468, "date_recv"), send: (2469, "date_send"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 1083, name: "time", length: 8, byValue: true, kind: "b", category: "D", preferred: false, delimiter: ",", element: 0, array: 1183, input: (1143, "time_in"), output: (1144, "time_out"), receive: (2470, "time_recv"), send: (2471, "time_send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 1114, name: "timestamp", length: 8, byValue: true, kind: "b", category: "D", preferred: false, delimiter: ",", element: 0, array: 1115, input: (1312, "timestamp_in"), output: (1313, "timestamp_out"), receive: (2474, "timestamp_recv"), send: (2475, "timestamp_send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 1115, name: "_timestamp", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1114, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1182, name: "_date", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1082, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1183, name: "_time", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1083, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1184, name: "timestamptz", length: 8, byValue: true, kind: "b", category: "D", preferred: true, delimiter: ",", element: 0, array: 1185, input: (1150, "timestamptz_in"), output: (1151, "timestamptz_out"), receive: (2476, "timestamptz_recv"), send: (2477, "timestamptz_send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 1185, name: "_timestamptz", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1184, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1186, name: "interval", length: 16, byValue: false, kind: "b", category: "T", preferred: true, delimiter: ",", element: 0, array: 1187, input: (1160, "interval_in"), output: (1161, "interval_out"), receive: (2478, "interval_recv"), send: (2479, "interval_send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 1187, name: "_interval", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1186, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1231, name: "_numeric", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1700, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1263, name: "_cstring", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 2275, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1266, name: "timetz", length: 12, byValue: false, kind: "b", category: "D", preferred: false, delimiter: ",", element: 0, array: 1270, input: (1350, "timetz_in"), output: (1351, "timetz_out"), receive: (2472, "timetz_recv"), send: (2473, "timetz_send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 1270, name: "_timetz", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1266, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1560, name: "bit", length: -1, byValue: false, kind: "b", category: "V", preferred: false, delimiter: ",", element: 0, array: 1561, input: (1564, "bit_in"), output: (1565, "bit_out"), receive: (2456, "bit_recv"), send: (2457, "bit_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1561, name: "_bit", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1560, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1562, name: "varbit", length: -1, byValue: false, kind: "b", category: "V", preferred: true, delimiter: ",", element: 0, array: 1563, input: (1579, "varbit_in"), output: (1580, "varbit_out"), receive: (2458, "varbit_recv"), send: (2459, "varbit_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1563, name: "_varbit", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 1562, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 1700, name: "numeric", length: -1, byValue: false, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 1231, input: (1701, "numeric_in"), output: (1702, "numeric_out"), receive: (2460, "numeric_recv"), send: (2461, "numeric_send"), align: "i", storage: "m", collation: 0),
        PostgresTypeInfo(oid: 2202, name: "regprocedure", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 2207, input: (2212, "regprocedurein"), output: (2213, "regprocedureout"), receive: (2446, "regprocedurerecv"), send: (2447, "regproceduresend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2203, name: "regoper", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 2208, input: (2214, "regoperin"), output: (2215, "regoperout"), receive: (2448, "regoperrecv"), send: (2449, "regopersend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2204, name: "regoperator", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 2209, input: (2216, "regoperatorin"), output: (2217, "regoperatorout"), receive: (2450, "regoperatorrecv"), send: (2451, "regoperatorsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2205, name: "regclass", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 2210, input: (2218, "regclassin"), output: (2219, "regclassout"), receive: (2452, "regclassrecv"), send: (2453, "regclasssend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2206, name: "regtype", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 2211, input: (2220, "regtypein"), output: (2221, "regtypeout"), receive: (2454, "regtyperecv"), send: (2455, "regtypesend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2207, name: "_regprocedure", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 2202, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 2210, name: "_regclass", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 2205, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 2211, name: "_regtype", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 2206, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 2249, name: "record", length: -1, byValue: false, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 2287, input: (2290, "record_in"), output: (2291, "record_out"), receive: (2402, "record_recv"), send: (2403, "record_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 2275, name: "cstring", length: -2, byValue: false, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 1263, input: (2292, "cstring_in"), output: (2293, "cstring_out"), receive: (2500, "cstring_recv"), send: (2501, "cstring_send"), align: "c", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2277, name: "anyarray", length: -1, byValue: false, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (2296, "anyarray_in"), output: (2297, "anyarray_out"), receive: (2502, "anyarray_recv"), send: (2503, "anyarray_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 2278, name: "void", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (2298, "void_in"), output: (2299, "void_out"), receive: (3120, "void_recv"), send: (3121, "void_send"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2279, name: "trigger", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (2300, "trigger_in"), output: (2301, "trigger_out"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2280, name: "language_handler", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (2302, "language_handler_in"), output: (2303, "language_handler_out"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2281, name: "internal", length: 8, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (2304, "internal_in"), output: (2305, "internal_out"), receive: (0, "-"), send: (0, "-"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2283, name: "anyelement", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (2312, "anyelement_in"), output: (2313, "anyelement_out"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2287, name: "_record", length: -1, byValue: false, kind: "p", category: "P", preferred: false, delimiter: ",", element: 2249, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 2776, name: "anynonarray", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (2777, "anynonarray_in"), output: (2778, "anynonarray_out"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2950, name: "uuid", length: 16, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 2951, input: (2952, "uuid_in"), output: (2953, "uuid_out"), receive: (2961, "uuid_recv"), send: (2962, "uuid_send"), align: "c", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 2951, name: "_uuid", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 2950, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 3220, name: "pg_lsn", length: 8, byValue: true, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 3221, input: (3229, "pg_lsn_in"), output: (3230, "pg_lsn_out"), receive: (3238, "pg_lsn_recv"), send: (3239, "pg_lsn_send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 3221, name: "_pg_lsn", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 3220, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 3500, name: "anyenum", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (3504, "anyenum_in"), output: (3505, "anyenum_out"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 3734, name: "regconfig", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 3735, input: (3736, "regconfigin"), output: (3737, "regconfigout"), receive: (3738, "regconfigrecv"), send: (3739, "regconfigsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 3769, name: "regdictionary", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 3770, input: (3771, "regdictionaryin"), output: (3772, "regdictionaryout"), receive: (3773, "regdictionaryrecv"), send: (3774, "regdictionarysend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 3802, name: "jsonb", length: -1, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 3807, input: (3806, "jsonb_in"), output: (3804, "jsonb_out"), receive: (3805, "jsonb_recv"), send: (3803, "jsonb_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 3807, name: "_jsonb", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 3802, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 3831, name: "anyrange", length: -1, byValue: false, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (3832, "anyrange_in"), output: (3833, "anyrange_out"), receive: (0, "-"), send: (0, "-"), align: "d", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 3838, name: "event_trigger", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (3594, "event_trigger_in"), output: (3595, "event_trigger_out"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 4072, name: "jsonpath", length: -1, byValue: false, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 4073, input: (4001, "jsonpath_in"), output: (4003, "jsonpath_out"), receive: (4002, "jsonpath_recv"), send: (4004, "jsonpath_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 4073, name: "_jsonpath", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 4072, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 4089, name: "regnamespace", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 4090, input: (4084, "regnamespacein"), output: (4085, "regnamespaceout"), receive: (4087, "regnamespacerecv"), send: (4088, "regnamespacesend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 4090, name: "_regnamespace", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 4089, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 4096, name: "regrole", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 4097, input: (4098, "regrolein"), output: (4092, "regroleout"), receive: (4094, "regrolerecv"), send: (4095, "regrolesend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 4097, name: "_regrole", length: -1, byValue: false, kind: "b", category: "A", preferred: false, delimiter: ",", element: 4096, array: 0, input: (750, "array_in"), output: (751, "array_out"), receive: (2400, "array_recv"), send: (2401, "array_send"), align: "i", storage: "x", collation: 0),
        PostgresTypeInfo(oid: 4191, name: "regcollation", length: 4, byValue: true, kind: "b", category: "N", preferred: false, delimiter: ",", element: 0, array: 4192, input: (4193, "regcollationin"), output: (4194, "regcollationout"), receive: (4196, "regcollationrecv"), send: (4197, "regcollationsend"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 5069, name: "xid8", length: 8, byValue: true, kind: "b", category: "U", preferred: false, delimiter: ",", element: 0, array: 271, input: (5070, "xid8in"), output: (5081, "xid8out"), receive: (5082, "xid8recv"), send: (5083, "xid8send"), align: "d", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 5077, name: "anycompatible", length: 4, byValue: true, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (5086, "anycompatible_in"), output: (5087, "anycompatible_out"), receive: (0, "-"), send: (0, "-"), align: "i", storage: "p", collation: 0),
        PostgresTypeInfo(oid: 5078, name: "anycompatiblearray", length: -1, byValue: false, kind: "p", category: "P", preferred: false, delimiter: ",", element: 0, array: 0, input: (5088, "anycompatiblearray_in"), output: (5089, "anycompatiblearray_out"), receive: (5090, "anycompatiblearray_recv"), send: (5091, "anycompatiblearray_send"), align: "d", storage: "x", collation: 0),
    ]

    public static let byOID: [Int32: PostgresTypeInfo] = Dictionary(all.map { ($0.oid, $0) }, uniquingKeysWith: { a, _ in a })
    public static let byName: [String: PostgresTypeInfo] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The OID a column of this type has in RowDescription and pg_attribute.atttypid.
    public static func oid(of type: DataType) -> Int32 {
        switch type {
        case .null: return 25  // an untyped NULL column is reported as text, as PostgreSQL resolves it
        case .boolean: return 16
        case .int16: return 21
        case .int32: return 23
        case .int64: return 20
        case .oid: return 26
        case .float32: return 700
        case .float64: return 701
        case .decimal: return 1700
        case .text: return 25
        case .varchar: return 1043
        case .char: return 1042
        case .bytea: return 17
        case .date: return 1082
        case .time: return 1083
        case .timestamp: return 1114
        case .timestamptz: return 1184
        case .interval: return 1186
        case .uuid: return 2950
        case .json: return 114
        case .array(let e): return byOID[oid(of: e)]?.array ?? 0
        }
    }

    /// atttypmod: -1 unless the type carries a length or precision (PostgreSQL's encoding: + 4 header bytes).
    public static func typmod(of type: DataType) -> Int32 {
        switch type {
        case .varchar(let n?): return Int32(n) + 4
        case .char(let n): return Int32(n) + 4
        case .decimal(let p, let s) where s >= 0: return Int32((p << 16) | s) + 4
        case .array(let e): return typmod(of: e)
        default: return -1
        }
    }

    /// The type's name as format_type prints it with the given typmod (-1 or nil: none);
    /// nil for an OID that names no type ("???" in PostgreSQL).
    public static func formatType(oid: Int32, typmod: Int32?) -> String? {
        let mod = typmod.flatMap { $0 >= 0 ? $0 : nil }
        guard let info = byOID[oid] else { return nil }
        if info.element != 0, info.name.hasPrefix("_"), let element = byOID[info.element] {
            return (formatType(oid: element.oid, typmod: typmod) ?? element.name) + "[]"
        }
        switch oid {
        case 16: return "boolean"
        case 18: return "\"char\""
        case 20: return "bigint"
        case 21: return "smallint"
        case 23: return "integer"
        case 700: return "real"
        case 701: return "double precision"
        // format_type(bpchar, NULL) is "character" (the regtype spelling); with typmod -1 it is "bpchar".
        case 1042: return mod.map { "character(\($0 - 4))" } ?? (typmod == nil ? "character" : "bpchar")
        case 1043: return mod.map { "character varying(\($0 - 4))" } ?? "character varying"
        case 1700:
            guard let m = mod else { return "numeric" }
            return "numeric(\(((m - 4) >> 16) & 0xFFFF),\((m - 4) & 0xFFFF))"
        case 1083: return mod.map { "time(\($0)) without time zone" } ?? "time without time zone"
        case 1114: return mod.map { "timestamp(\($0)) without time zone" } ?? "timestamp without time zone"
        case 1184: return mod.map { "timestamp(\($0)) with time zone" } ?? "timestamp with time zone"
        case 1266: return mod.map { "time(\($0)) with time zone" } ?? "time with time zone"
        default: return info.name
        }
    }
}
