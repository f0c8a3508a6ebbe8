// pgjdbc against lakesql serve: PreparedStatement with parameters, result
// metadata (base table and nullability of table columns), DatabaseMetaData, an error's SQLSTATE and fetch-size streaming,
// every supported array type as a parameter and a result (text and binary transfer).
// Prints one "ok <check>" line per passing check; exits 1 on the first failure.
import java.sql.*;
import java.util.*;

public class JdbcCheck {
    /** Every supported array type as a PreparedStatement parameter and as a result, with NULL elements and empty arrays. */
    static void checkArrays(Connection c, String mode) throws SQLException {
        Object[][] cases = {
            {"int2", new Short[]{1, null, -32768}}, {"int4", new Integer[]{1, null, 2147483647}}, {"int8", new Long[]{null, 9223372036854775807L}},
            {"float4", new Float[]{1.5f, null}}, {"float8", new Double[]{3.141592653589793, null}},
            {"numeric", new java.math.BigDecimal[]{new java.math.BigDecimal("1.50"), null}}, {"bool", new Boolean[]{true, null, false}},
            {"text", new String[]{"a", "b,c", null, "\"q\"", ""}}, {"varchar", new String[]{"x", null}},
            {"date", new java.sql.Date[]{java.sql.Date.valueOf("2024-02-29"), null}},
            {"timestamp", new Timestamp[]{Timestamp.valueOf("1999-12-31 23:59:59.999999"), null}},
            {"oid", new Long[]{1259L, null, 4294967295L}}, {"int4", new Integer[]{}}, {"text", new String[]{}},
        };
        for (Object[] k : cases) {
            String type = (String) k[0];
            Object[] values = (Object[]) k[1];
            try (PreparedStatement ps = c.prepareStatement("SELECT ?::" + type + "[] AS a")) {
                ps.setArray(1, c.createArrayOf(type, values));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Object[] got = (Object[]) rs.getArray(1).getArray();
                    boolean same = got.length == values.length;
                    for (int i = 0; same && i < got.length; i++) {
                        Object g = got[i], v = values[i];
                        same = (g == null && v == null) || (g != null && v != null
                            && (g instanceof java.math.BigDecimal ? ((java.math.BigDecimal) g).compareTo((java.math.BigDecimal) v) == 0 : g.toString().equals(v.toString())));
                    }
                    check(same, type + "[] round-trips (" + mode + "): " + Arrays.toString(got));
                    check(rs.getMetaData().getColumnTypeName(1).equals("_" + type), type + "[] column type name " + rs.getMetaData().getColumnTypeName(1));
                }
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ARRAY[1259, NULL]::oid[], '{1 day,NULL}'::interval[], ARRAY['2024-01-02 03:04:05+00']::timestamptz[]")) {
            rs.next();
            check(Arrays.toString((Object[]) rs.getArray(1).getArray()).equals("[1259, null]"), "oid[] result (" + mode + ")");
            check(((Object[]) rs.getArray(2).getArray()).length == 2, "interval[] result (" + mode + ")");
            check(((Object[]) rs.getArray(3).getArray()).length == 1, "timestamptz[] result (" + mode + ")");
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) { System.out.println("FAIL " + what); System.exit(1); }
        System.out.println("ok " + what);
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        p.setProperty("password", args[2]);
        boolean catalog = args.length > 3 && args[3].equals("catalog");
        // prepareThreshold=-1: server-prepared statements from the first execution, so results come back in binary.
        Properties binary = new Properties();
        binary.putAll(p);
        binary.setProperty("prepareThreshold", "-1");
        try (Connection c = DriverManager.getConnection(url, binary)) {
            checkArrays(c, "binary");
        }
        try (Connection c = DriverManager.getConnection(url, p)) {
            check(c.isValid(5), "isValid");
            try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, name, ? AS tag FROM customers WHERE customer_id <= ? ORDER BY customer_id")) {
                ps.setString(1, "t");
                ps.setInt(2, 3);
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    check(md.getColumnCount() == 3, "column count");
                    check(md.getColumnName(2).equals("name"), "column name");
                    // RowDescription's table OID and attribute number let pgjdbc find the base table and nullability.
                    check(md.getTableName(2).equals("customers"), "getTableName of a table column");
                    check(md.isNullable(2) != ResultSetMetaData.columnNullableUnknown, "isNullable known for a table column");
                    check(md.getTableName(3).equals(""), "no table for a parameter column");
                    int n = 0;
                    while (rs.next()) { n++; check(rs.getInt(1) == n, "row " + n); check("t".equals(rs.getString(3)), "parameter echo"); }
                    check(n == 3, "three rows");
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 12.34::numeric(12,2) AS amount, 'AB'::char(2) AS cc, DATE '2024-02-29' AS d")) {
                ResultSetMetaData md = rs.getMetaData();
                check(md.getPrecision(1) == 12 && md.getScale(1) == 2, "numeric(12,2) precision/scale");
                check(md.getColumnType(2) == Types.CHAR, "char type");
                rs.next();
                check(rs.getBigDecimal(1).toString().equals("12.34"), "numeric value");
                check(rs.getDate(3).toString().equals("2024-02-29"), "date value");
            }
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT * FROM no_such_table");
                check(false, "error expected");
            } catch (SQLException e) {
                check("42P01".equals(e.getSQLState()), "SQLSTATE 42P01");
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(100);
                try (ResultSet rs = s.executeQuery("SELECT * FROM generate_series(1, 5000) AS t(x)")) {
                    long sum = 0; int n = 0;
                    while (rs.next()) { sum += rs.getLong(1); n++; }
                    check(n == 5000 && sum == 12502500L, "fetch-size cursor over 5000 rows");
                }
            }
            c.commit();
            c.setAutoCommit(true);
            checkArrays(c, "text");
            if (catalog) {
                DatabaseMetaData dm = c.getMetaData();
                Set<String> tables = new HashSet<>();
                try (ResultSet rs = dm.getTables(null, "public", "%", new String[]{"TABLE"})) { while (rs.next()) tables.add(rs.getString("TABLE_NAME")); }
                check(tables.contains("customers"), "getTables lists customers");
                int cols = 0;
                try (ResultSet rs = dm.getColumns(null, "public", "customers", "%")) { while (rs.next()) cols++; }
                check(cols > 3, "getColumns of customers");
                boolean pub = false;
                try (ResultSet rs = dm.getSchemas()) { while (rs.next()) if (rs.getString(1).equals("public")) pub = true; }
                check(pub, "getSchemas has public");
            }
        }
    }
}
