package org.kubeedgejava.edgecore.devicetwin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.edgecore.metamanager.MetaStore;

class TwinStoreTest {
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();

  private TwinStore.Stored device(Twin... twins) {
    Map<String, Twin> map = new LinkedHashMap<>();
    for (Twin t : twins) {
      map.put(t.name(), t);
    }
    return new TwinStore.Stored(
        "default/thermo", "thermo", "", "online", "2026-11-24T10:00:00Z", map);
  }

  @Test
  void twinsSurviveAReopenWithTheirVersionsAndNotes() {
    Path db = dir.resolve("edgecore.db");
    Twin t =
        Twin.empty("temp", "int")
            .applyCloudDesired("20", 3, PropertyType.INT, clock)
            .twin()
            .applyLocalDesired("25", clock)
            .applyReported("24", clock)
            .applyCloudDesired("hot", 4, PropertyType.INT, clock)
            .twin();
    try (TwinStore store = TwinStore.open(db)) {
      store.save(device(t, Twin.empty("mode", "string")));
    }
    try (TwinStore store = TwinStore.open(db)) {
      TwinStore.Stored back = store.loadAll().get("default/thermo");
      assertThat(back.state()).isEqualTo("online");
      assertThat(back.twins()).containsOnlyKeys("temp", "mode");
      assertThat(back.twins().get("temp")).isEqualTo(t);
    }
  }

  @Test
  void aReadErrorIsKeptInActualMetaAndSurvivesAReopen() throws Exception {
    Path db = dir.resolve("edgecore.db");
    Twin t =
        Twin.empty("temp", "int")
            .applyReported("24", clock)
            .applyReport("24", "Modbus exception 2 (ILLEGAL_DATA_ADDRESS)", clock);
    try (TwinStore store = TwinStore.open(db)) {
      store.save(device(t));
    }
    try (TwinStore store = TwinStore.open(db)) {
      assertThat(store.loadAll().get("default/thermo").twins().get("temp")).isEqualTo(t);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs =
            c.createStatement().executeQuery("SELECT actual, actual_meta FROM device_twin")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("24");
      assertThat(rs.getString(2))
          .contains("\"error\":\"Modbus exception 2 (ILLEGAL_DATA_ADDRESS)\"");
    }
  }

  @Test
  void sharesTheFileWithMetaStoreUnderUpstreamTableNames() throws Exception {
    Path db = dir.resolve("edgecore.db");
    try (MetaStore meta = MetaStore.open(db);
        TwinStore store = TwinStore.open(db)) {
      meta.apply("default/device/thermo", "device", false, "{}", "1");
      store.save(device(Twin.empty("temp", "int").applyLocalDesired("25", clock)));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT d.id, t.name, t.expected, t.expected_version, t.attr_type"
                          + " FROM device d JOIN device_twin t ON t.deviceid = d.id")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("default/thermo");
        assertThat(rs.getString(2)).isEqualTo("temp");
        assertThat(rs.getString(3)).isEqualTo("25");
        assertThat(rs.getString(4)).isEqualTo("{\"cloud\":0,\"edge\":1}");
        assertThat(rs.getString(5)).isEqualTo("int");
      }
      assertThat(meta.get("default/device/thermo")).hasValue("{}");
    }
  }

  @Test
  void removingADeviceRemovesItsTwins() {
    try (TwinStore store = TwinStore.open(dir.resolve("edgecore.db"))) {
      store.save(device(Twin.empty("temp", "int")));
      store.remove("default/thermo");
      assertThat(store.loadAll()).isEmpty();
    }
  }
}
