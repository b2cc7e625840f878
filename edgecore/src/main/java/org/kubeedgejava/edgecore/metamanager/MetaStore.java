package org.kubeedgejava.edgecore.metamanager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The edge's durable store: every object the cloud gave this node, and the upstream outbox.
 *
 * <p>Tables: {@code meta (key, type, value)} exactly as KubeEdge's MetaManager keeps it (key {@code
 * <ns>/<type>/<name>}, value the object's JSON), so operators' {@code sqlite3} habits still work;
 * {@code meta_version (key, resource_version)}, ours, the last version applied per key including
 * deletes, so a late, older update can never resurrect or roll back an object; {@code outbox (seq,
 * coalesce_key, message)}, ours, messages for the cloud that wait while it is unreachable.
 *
 * <p>SQLite in WAL mode with {@code synchronous=FULL}: a method that returns has committed durably
 * (the edge acknowledges a cloud message only after that). One connection; methods are synchronized
 * (SQLite has one writer anyway).
 */
public final class MetaStore implements AutoCloseable {
  /** What {@link #apply} did. */
  public enum Outcome {
    /** Stored (inserted, replaced or deleted). */
    APPLIED,
    /** Not newer than what was already applied: nothing changed (still safe to acknowledge). */
    STALE
  }

  /** One stored object. */
  public record Entry(String key, String type, String value) {}

  /** One waiting upstream message. */
  public record OutboxEntry(long seq, String coalesceKey, String message) {}

  private final Connection db;

  private MetaStore(Connection db) {
    this.db = db;
  }

  /** Opens (creating if needed) the store at {@code file}. */
  public static MetaStore open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute(
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR(256) PRIMARY KEY, type VARCHAR(32), value TEXT)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS meta_version (key VARCHAR(256) PRIMARY KEY, resource_version TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, coalesce_key TEXT UNIQUE, message TEXT NOT NULL)");
      }
      db.setAutoCommit(false);
      return new MetaStore(db);
    } catch (SQLException e) {
      throw new MetaStoreException("cannot open the edge store " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stores ({@code delete == false}) or deletes an object, unless {@code resourceVersion} is not
   * newer than the last version applied for {@code key}. Durable when it returns.
   *
   * @throws MetaStoreException when the write fails (full disk, I/O error): nothing is acknowledged
   */
  public synchronized Outcome apply(
      String key, String type, boolean delete, String value, String resourceVersion) {
    long deadline = System.nanoTime() + BUSY_RETRY_NANOS;
    long pauseMillis = 1;
    for (int attempt = 1; ; attempt++) {
      try {
        return applyOnce(key, type, delete, value, resourceVersion);
      } catch (MetaStoreException e) {
        // DeviceTwin's TwinStore writes to the same file over its own connection. If it commits
        // between this transaction's version read and its write, SQLite refuses the write with
        // SQLITE_BUSY_SNAPSHOT; if it holds the write lock at that moment, with SQLITE_BUSY at
        // once (busy_timeout does not apply to a read transaction that wants to write). Either
        // way the transaction was rolled back: wait a little for the other writer, then read
        // again.
        boolean busy =
            e.getCause() instanceof org.sqlite.SQLiteException sqlite
                && (sqlite.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT
                    || sqlite.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_BUSY);
        if (!busy || System.nanoTime() > deadline) {
          throw e;
        }
        if (attempt > 1) {
          try {
            Thread.sleep(pauseMillis); // the other connection's commit takes milliseconds
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
          pauseMillis = Math.min(50, pauseMillis * 2);
        }
      }
    }
  }

  /** How long {@link #apply} retries a write another connection kept busy (as busy_timeout). */
  private static final long BUSY_RETRY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  private Outcome applyOnce(
      String key, String type, boolean delete, String value, String resourceVersion) {
    try {
      Optional<String> last = lastVersionInTransaction(key);
      if (last.isPresent() && !resourceVersion.isEmpty() && !isNewer(resourceVersion, last.get())) {
        return Outcome.STALE;
      }
      if (delete) {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM meta WHERE key = ?")) {
          ps.setString(1, key);
          ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps =
            db.prepareStatement(
                "INSERT INTO meta (key, type, value) VALUES (?, ?, ?) "
                    + "ON CONFLICT(key) DO UPDATE SET type = excluded.type, value = excluded.value")) {
          ps.setString(1, key);
          ps.setString(2, type);
          ps.setString(3, value);
          ps.executeUpdate();
        }
      }
      if (!resourceVersion.isEmpty()) {
        try (PreparedStatement ps =
            db.prepareStatement(
                "INSERT INTO meta_version (key, resource_version) VALUES (?, ?) "
                    + "ON CONFLICT(key) DO UPDATE SET resource_version = excluded.resource_version")) {
          ps.setString(1, key);
          ps.setString(2, resourceVersion);
          ps.executeUpdate();
        }
      }
      db.commit();
      return Outcome.APPLIED;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new MetaStoreException("cannot store " + key + ": " + e.getMessage(), e);
    }
  }

  public synchronized Optional<String> get(String key) {
    try {
      return getInTransaction(key);
    } finally {
      endRead();
    }
  }

  private Optional<String> getInTransaction(String key) {
    try (PreparedStatement ps = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new MetaStoreException("cannot read " + key + ": " + e.getMessage(), e);
    }
  }

  /** The last resource version applied for {@code key}, including a delete. */
  public synchronized Optional<String> lastVersion(String key) {
    try {
      return lastVersionInTransaction(key);
    } finally {
      endRead();
    }
  }

  private Optional<String> lastVersionInTransaction(String key) {
    try (PreparedStatement ps =
        db.prepareStatement("SELECT resource_version FROM meta_version WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new MetaStoreException("cannot read the version of " + key + ": " + e.getMessage(), e);
    }
  }

  public synchronized List<Entry> listByType(String type) {
    try {
      return listByTypeInTransaction(type);
    } finally {
      endRead();
    }
  }

  private List<Entry> listByTypeInTransaction(String type) {
    try (PreparedStatement ps =
        db.prepareStatement("SELECT key, type, value FROM meta WHERE type = ? ORDER BY key")) {
      ps.setString(1, type);
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Entry(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new MetaStoreException("cannot list " + type + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds a message to the outbox. With a non-null {@code coalesceKey} it replaces a waiting message
   * with the same key (the newest status is all the cloud needs) and moves to the back.
   */
  public synchronized void enqueueUpstream(String coalesceKey, String message) {
    try {
      if (coalesceKey != null) {
        try (PreparedStatement ps =
            db.prepareStatement("DELETE FROM outbox WHERE coalesce_key = ?")) {
          ps.setString(1, coalesceKey);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps =
          db.prepareStatement("INSERT INTO outbox (coalesce_key, message) VALUES (?, ?)")) {
        ps.setString(1, coalesceKey);
        ps.setString(2, message);
        ps.executeUpdate();
      }
      db.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new MetaStoreException("cannot queue an upstream message: " + e.getMessage(), e);
    }
  }

  public synchronized List<OutboxEntry> pendingUpstream(int limit) {
    try {
      return pendingUpstreamInTransaction(limit);
    } finally {
      endRead();
    }
  }

  private List<OutboxEntry> pendingUpstreamInTransaction(int limit) {
    try (PreparedStatement ps =
        db.prepareStatement("SELECT seq, coalesce_key, message FROM outbox ORDER BY seq LIMIT ?")) {
      ps.setInt(1, limit);
      List<OutboxEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new OutboxEntry(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new MetaStoreException("cannot read the outbox: " + e.getMessage(), e);
    }
  }

  public synchronized void removeUpstream(long seq) {
    try (PreparedStatement ps = db.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
      ps.setLong(1, seq);
      ps.executeUpdate();
      db.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new MetaStoreException("cannot update the outbox: " + e.getMessage(), e);
    }
  }

  /**
   * Whether resource version {@code candidate} is newer than {@code applied}. Kubernetes versions
   * are etcd revisions: compared as unsigned integers; a non-numeric one is taken as newer.
   */
  static boolean isNewer(String candidate, String applied) {
    try {
      return new BigInteger(candidate).compareTo(new BigInteger(applied)) > 0;
    } catch (NumberFormatException e) {
      return !candidate.equals(applied);
    }
  }

  /** Caps the database at {@code pages} pages, as a full disk would; for tests. */
  synchronized void capPages(int pages) {
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA max_page_count=" + pages);
    } catch (SQLException e) {
      throw new MetaStoreException(e.getMessage(), e);
    }
  }

  /**
   * Ends the read transaction a query opened, so this connection never keeps reading (and later
   * fails to write over) a stale WAL snapshot while DeviceTwin's connection writes the same file.
   */
  private void endRead() {
    try {
      db.commit();
    } catch (SQLException ignored) {
      // nothing was written; the next statement starts afresh
    }
  }

  private void rollbackQuietly() {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // the connection is already broken; the original error is what matters
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new MetaStoreException("cannot close the edge store: " + e.getMessage(), e);
    }
  }
}
