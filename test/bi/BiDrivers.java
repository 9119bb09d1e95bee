// test/bi/BiDrivers.java: what pgJDBC (Debian's libpostgresql-jdbc-java)
// reports for the typed BI views of doc/bi.md, for test/bi_drivers.sh.
// Usage: java -cp .:postgresql.jar BiDrivers JDBC-URL
// Prints one line per column of each query: label|column|type name|precision|scale|value,
// and the SQLSTATE of the calls that bind a Java double to a numeric argument.
import java.sql.*;

public class BiDrivers {
    static void describe(Connection c, String label, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            rs.next();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                String shown = v == null ? "NULL" : v.getClass().getSimpleName() + ":" + v;
                System.out.println(label + "|" + md.getColumnLabel(i) + "|" + md.getColumnTypeName(i) + "|"
                        + md.getPrecision(i) + "|" + md.getScale(i) + "|" + shown);
            }
        }
    }

    static void bindDouble(Connection c, String label, String sql) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setDouble(1, 50000.0);
            ps.setDouble(2, 120000.0);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                System.out.println(label + "|ok|" + rs.getBigDecimal(1));
            }
        } catch (SQLException e) {
            System.out.println(label + "|error|" + e.getSQLState());
        }
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0])) {
            describe(c, "raw", "SELECT s.forecast, s.on_track FROM quota_status(50000, 120000, "
                    + "'2026-07-01', '2026-09-30', '2026-09-15') s");
            describe(c, "typed", "SELECT rep, quota, actual, forecast, attainment, on_track FROM bi_quota_attainment "
                    + "ORDER BY rep LIMIT 1");
            describe(c, "labels", "SELECT kind, code, rank, color, en, ru, bg FROM bi_labels "
                    + "WHERE kind = 'kinetic' AND code = 'fading'");
            bindDouble(c, "double", "SELECT (quota_status(?, ?, '2026-07-01', '2026-09-30', '2026-09-15')).forecast");
            bindDouble(c, "double_cast", "SELECT s.forecast FROM quota_status(?::numeric, ?::numeric, "
                    + "'2026-07-01', '2026-09-30', '2026-09-15') s");
        }
    }
}
