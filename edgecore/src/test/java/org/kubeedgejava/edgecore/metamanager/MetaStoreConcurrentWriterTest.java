package org.kubeedgejava.edgecore.metamanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeviceTwin's TwinStore writes to the edge store's file over a connection of its own. A cloud
 * object that arrives while that connection holds the write lock must still be stored (and so
 * acknowledged), not refused with SQLITE_BUSY: SQLite answers a read transaction that wants to
 * write at once, without waiting busy_timeout.
 */
class MetaStoreConcurrentWriterTest {
  @TempDir Path dir;

  @Test
  void anObjectArrivingWhileAnotherConnectionWritesIsStoredOnceThatCommits() throws Exception {
    Path file = dir.resolve("edgecore.db");
    try (MetaStore store = MetaStore.open(file);
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      CountDownLatch locked = new CountDownLatch(1);
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(() -> {
            try (Statement s = other.createStatement()) {
              s.execute("PRAGMA busy_timeout=5000");
              s.execute("CREATE TABLE IF NOT EXISTS device (id TEXT PRIMARY KEY)");
              s.execute("BEGIN IMMEDIATE");
              s.execute("INSERT INTO device (id) VALUES ('factory/plc')");
              locked.countDown();
              TimeUnit.MILLISECONDS.sleep(300); // a slow commit (synchronous=FULL on a busy disk)
              s.execute("COMMIT");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

      MetaStore.Outcome outcome =
          store.apply("factory/device/plc", "device", false, "{\"kind\":\"Device\"}", "7");

      assertThat(outcome).isEqualTo(MetaStore.Outcome.APPLIED);
      assertThat(store.get("factory/device/plc")).contains("{\"kind\":\"Device\"}");
      writer.get(10, TimeUnit.SECONDS);
    }
  }
}
