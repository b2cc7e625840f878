package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The edge node's local store ({@code database}).
 *
 * @param driverName {@code sqlite3}, the only driver (default)
 * @param aliasName default {@code default}
 * @param dataSource the SQLite file (default {@code /var/lib/kubeedge/edgecore.db})
 */
public record Database(
    @JsonProperty("driverName") String driverName,
    @JsonProperty("aliasName") String aliasName,
    @JsonProperty("dataSource") String dataSource) {
  public static final String SQLITE3 = "sqlite3";

  public Database {
    Objects.requireNonNull(driverName, "driverName");
    Objects.requireNonNull(aliasName, "aliasName");
    Objects.requireNonNull(dataSource, "dataSource");
  }

  public static Database defaults() {
    return new Database(SQLITE3, "default", "/var/lib/kubeedge/edgecore.db");
  }
}
