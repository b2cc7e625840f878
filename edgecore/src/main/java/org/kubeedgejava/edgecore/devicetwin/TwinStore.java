package org.kubeedgejava.edgecore.devicetwin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kubeedgejava.edgecore.metamanager.MetaStoreException;

/**
 * DeviceTwin's tables in edgecore's database file, named and shaped as upstream's: {@code device
 * (id, name, description, state, last_online)}, {@code device_attr}, {@code device_twin (id,
 * deviceid, name, description, expected, actual, expected_meta, actual_meta, expected_version,
 * actual_version, optional, attr_type, metadata)}. Metas and versions are JSON as upstream keeps
 * them ({@code {"timestamp": ms}}, {@code {"cloud": n, "edge": n}}); {@code actual_meta} carries
 * our {@code error} too while the device's reads fail; {@code metadata} is {@code {"type": …}} plus
 * our {@code note} when a cloud value was refused.
 *
 * <p>Its own connection to the file (WAL lets it share the file with MetaStore); {@link #save}
 * commits a device and all its twins in one durable transaction. Methods are synchronized.
 */
final class TwinStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A device row and its twins by property name. */
  record Stored(
      String id,
      String name,
      String description,
      String state,
      String lastOnline,
      Map<String, Twin> twins) {}

  private final Connection db;

  private TwinStore(Connection db) {
    this.db = db;
  }

  static TwinStore open(Path file) {
    try {
      Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute(
            "CREATE TABLE IF NOT EXISTS device (id VARCHAR(64) PRIMARY KEY, name TEXT,"
                + " description TEXT, state TEXT, last_online TEXT)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS device_attr (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " deviceid TEXT, name TEXT, description TEXT, value TEXT, optional BOOLEAN,"
                + " attr_type TEXT, metadata TEXT)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS device_twin (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " deviceid TEXT, name TEXT, description TEXT, expected TEXT, actual TEXT,"
                + " expected_meta TEXT, actual_meta TEXT, expected_version TEXT,"
                + " actual_version TEXT, optional BOOLEAN, attr_type TEXT, metadata TEXT)");
        s.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS device_twin_deviceid_name"
                + " ON device_twin (deviceid, name)");
      }
      db.setAutoCommit(false);
      return new TwinStore(db);
    } catch (SQLException e) {
      throw new MetaStoreException("cannot open the device tables in " + file + ": " + e, e);
    }
  }

  /** Replaces the device and its twins; durable when it returns. */
  synchronized void save(Stored device) {
    try {
      try (PreparedStatement ps =
          db.prepareStatement(
              "INSERT INTO device (id, name, description, state, last_online)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                  + " description = excluded.description, state = excluded.state,"
                  + " last_online = excluded.last_online")) {
        ps.setString(1, device.id());
        ps.setString(2, device.name());
        ps.setString(3, device.description());
        ps.setString(4, device.state());
        ps.setString(5, device.lastOnline());
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          db.prepareStatement("DELETE FROM device_twin WHERE deviceid = ?")) {
        ps.setString(1, device.id());
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          db.prepareStatement(
              "INSERT INTO device_twin (deviceid, name, description, expected, actual,"
                  + " expected_meta, actual_meta, expected_version, actual_version, optional,"
                  + " attr_type, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Twin t : device.twins().values()) {
          ps.setString(1, device.id());
          ps.setString(2, t.name());
          ps.setString(3, t.description());
          ps.setString(4, t.expected());
          ps.setString(5, t.actual());
          ps.setString(6, meta(t.expectedTimestamp(), ""));
          ps.setString(7, meta(t.actualTimestamp(), t.actualError()));
          ps.setString(8, t.expectedVersion().toJson().toString());
          ps.setString(9, t.actualVersion().toJson().toString());
          ps.setBoolean(10, t.optional());
          ps.setString(11, t.attrType());
          ps.setString(12, metadata(t).toString());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      db.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new MetaStoreException("cannot store device " + device.id() + ": " + e, e);
    }
  }

  /** Removes the device, its attributes and twins. */
  synchronized void remove(String id) {
    try {
      for (String table : List.of("device_twin", "device_attr")) {
        try (PreparedStatement ps =
            db.prepareStatement("DELETE FROM " + table + " WHERE deviceid = ?")) {
          ps.setString(1, id);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = db.prepareStatement("DELETE FROM device WHERE id = ?")) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      db.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new MetaStoreException("cannot remove device " + id + ": " + e, e);
    }
  }

  /** Every stored device with its twins, by id. */
  synchronized Map<String, Stored> loadAll() {
    Map<String, Stored> out = new LinkedHashMap<>();
    Map<String, Map<String, Twin>> twins = new LinkedHashMap<>();
    try (Statement s = db.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT deviceid, name, description, expected, actual, expected_meta,"
                  + " actual_meta, expected_version, actual_version, optional, attr_type,"
                  + " metadata FROM device_twin ORDER BY deviceid, name")) {
        while (rs.next()) {
          JsonNode metadata = read(rs.getString(12));
          JsonNode actualMeta = read(rs.getString(7));
          Twin t =
              new Twin(
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  read(rs.getString(6)).path("timestamp").asLong(0),
                  TwinVersion.fromJson(read(rs.getString(8))),
                  rs.getString(5),
                  actualMeta.path("timestamp").asLong(0),
                  TwinVersion.fromJson(read(rs.getString(9))),
                  rs.getBoolean(10),
                  rs.getString(11),
                  metadata.path("note").asText(""),
                  actualMeta.path("error").asText(""));
          twins.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(t.name(), t);
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT id, name, description, state, last_online FROM device ORDER BY id")) {
        while (rs.next()) {
          String id = rs.getString(1);
          out.put(
              id,
              new Stored(
                  id,
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  twins.getOrDefault(id, Map.of())));
        }
      }
      db.commit();
      return out;
    } catch (SQLException e) {
      throw new MetaStoreException("cannot read the device tables: " + e, e);
    }
  }

  private static String meta(long timestamp, String error) {
    ObjectNode n = JSON.createObjectNode();
    n.put("timestamp", timestamp);
    if (!error.isEmpty()) {
      n.put("error", error);
    }
    return n.toString();
  }

  private static ObjectNode metadata(Twin t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", t.attrType());
    if (!t.note().isEmpty()) {
      n.put("note", t.note());
    }
    return n;
  }

  private static JsonNode read(String json) {
    if (json == null || json.isEmpty()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      return JSON.createObjectNode();
    }
  }

  private void rollbackQuietly() {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the original error is reported
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new MetaStoreException("cannot close the device tables: " + e, e);
    }
  }
}
