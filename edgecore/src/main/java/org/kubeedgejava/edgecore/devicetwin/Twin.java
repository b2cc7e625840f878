package org.kubeedgejava.edgecore.devicetwin;

import java.time.Clock;
import java.util.Objects;

/**
 * One property of a device as the edge holds it, a row of {@code device_twin}. {@code expected}
 * (desired) and {@code actual} (reported) are strings or null when not known; their timestamps are
 * metadata only and never compared. {@code note} explains why the last desired value from the cloud
 * was refused (empty when none was). {@code actualError} is why the device's last read failed, as
 * its mapper reported it (empty when the last read succeeded); {@code actual} then stays the last
 * good value.
 *
 * <p>Immutable; the transitions are the version rules of docs/devices.md.
 */
record Twin(
    String name,
    String description,
    String expected,
    long expectedTimestamp,
    TwinVersion expectedVersion,
    String actual,
    long actualTimestamp,
    TwinVersion actualVersion,
    boolean optional,
    String attrType,
    String note,
    String actualError) {
  Twin {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    expectedVersion = expectedVersion == null ? TwinVersion.ZERO : expectedVersion;
    actualVersion = actualVersion == null ? TwinVersion.ZERO : actualVersion;
    attrType = attrType == null ? "" : attrType;
    note = note == null ? "" : note;
    actualError = actualError == null ? "" : actualError;
  }

  static Twin empty(String name, String attrType) {
    return new Twin(
        name, "", null, 0, TwinVersion.ZERO, null, 0, TwinVersion.ZERO, true, attrType, "", "");
  }

  /** What applying a desired value did. */
  enum Outcome {
    /** The desired value changed. */
    CHANGED,
    /** Same value, or a cloud version not newer than the one applied: nothing to do. */
    UNCHANGED,
    /** The value does not read as the property's type; only the note changed. */
    REFUSED
  }

  /** A twin and what produced it. */
  record Applied(Twin twin, Outcome outcome) {}

  /**
   * The cloud's desired {@code value} at Device {@code generation}: replaces the expected value
   * only when {@code generation} is newer than the last one applied, so a resync of an unchanged
   * Device never undoes a local write, whatever the clocks say.
   */
  Applied applyCloudDesired(String value, long generation, PropertyType type, Clock clock) {
    if (generation <= expectedVersion.cloud()) {
      return new Applied(this, Outcome.UNCHANGED);
    }
    TwinVersion version = expectedVersion.withCloud(generation);
    var problem = type.problem(value);
    if (problem.isPresent()) {
      String why = "desired value of generation " + generation + " refused: " + problem.get();
      return new Applied(withExpected(expected, expectedTimestamp, version, why), Outcome.REFUSED);
    }
    boolean same = Objects.equals(value, expected);
    return new Applied(
        withExpected(value, same ? expectedTimestamp : clock.millis(), version, ""),
        same ? Outcome.UNCHANGED : Outcome.CHANGED);
  }

  /** A local desired value (MQTT {@code expected}): always applies, bumping the edge version. */
  Twin applyLocalDesired(String value, Clock clock) {
    return withExpected(value, clock.millis(), expectedVersion.bumpEdge(), "");
  }

  /** A value reported by the device: the newest report wins, and a read error is over. */
  Twin applyReported(String value, Clock clock) {
    return applyReport(value, "", clock);
  }

  /**
   * A mapper's report: {@code value} (null keeps the last good one) and {@code error}, why the last
   * read failed ("" when it succeeded). The error stays until a report without one.
   */
  Twin applyReport(String value, String error, Clock clock) {
    return new Twin(
        name,
        description,
        expected,
        expectedTimestamp,
        expectedVersion,
        value,
        clock.millis(),
        actualVersion.bumpEdge(),
        optional,
        attrType,
        note,
        error);
  }

  Twin withAttrType(String type) {
    return new Twin(
        name,
        description,
        expected,
        expectedTimestamp,
        expectedVersion,
        actual,
        actualTimestamp,
        actualVersion,
        optional,
        type,
        note,
        actualError);
  }

  /** Whether the device has yet to reach the desired value. */
  boolean hasDelta() {
    return expected != null && !expected.equals(actual);
  }

  private Twin withExpected(String value, long timestamp, TwinVersion version, String newNote) {
    return new Twin(
        name,
        description,
        value,
        timestamp,
        version,
        actual,
        actualTimestamp,
        actualVersion,
        optional,
        attrType,
        newNote,
        actualError);
  }
}
