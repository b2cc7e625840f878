package org.kubeedgejava.edgecore.devicetwin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TwinTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private final Clock cloudClock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Clock edgeClock = Clock.offset(cloudClock, Duration.ofMinutes(10));

  @Test
  void aNewerGenerationSetsTheDesiredValue() {
    Twin.Applied a =
        Twin.empty("temp", "int").applyCloudDesired("20", 3, PropertyType.INT, cloudClock);

    assertThat(a.outcome()).isEqualTo(Twin.Outcome.CHANGED);
    assertThat(a.twin().expected()).isEqualTo("20");
    assertThat(a.twin().expectedVersion()).isEqualTo(new TwinVersion(3, 0));
  }

  @Test
  void aResyncOfTheSameGenerationDoesNotUndoALocalWrite() {
    Twin t =
        Twin.empty("temp", "int").applyCloudDesired("20", 3, PropertyType.INT, cloudClock).twin();
    t = t.applyLocalDesired("25", edgeClock);

    Twin.Applied resync = t.applyCloudDesired("20", 3, PropertyType.INT, cloudClock);

    assertThat(resync.outcome()).isEqualTo(Twin.Outcome.UNCHANGED);
    assertThat(resync.twin().expected()).isEqualTo("25");
    assertThat(resync.twin().expectedVersion()).isEqualTo(new TwinVersion(3, 1));
  }

  @Test
  void anEdgeClockTenMinutesAheadCausesNoPingPong() {
    // the local write carries a timestamp 10 minutes "newer" than anything the cloud sends
    Twin t =
        Twin.empty("temp", "int").applyCloudDesired("20", 3, PropertyType.INT, cloudClock).twin();
    t = t.applyLocalDesired("25", edgeClock);
    assertThat(t.expectedTimestamp()).isGreaterThan(cloudClock.millis());

    // resyncs of the old generation never take the value back, however often they come
    for (int i = 0; i < 3; i++) {
      t = t.applyCloudDesired("20", 3, PropertyType.INT, cloudClock).twin();
      assertThat(t.expected()).isEqualTo("25");
    }
    // a newer generation wins although its timestamp is older than the local write's
    Twin.Applied newer = t.applyCloudDesired("30", 4, PropertyType.INT, cloudClock);
    assertThat(newer.outcome()).isEqualTo(Twin.Outcome.CHANGED);
    assertThat(newer.twin().expected()).isEqualTo("30");
    // and the edge's own later write still wins over a resync of generation 4
    Twin local = newer.twin().applyLocalDesired("31", edgeClock);
    assertThat(local.applyCloudDesired("30", 4, PropertyType.INT, cloudClock).twin().expected())
        .isEqualTo("31");
  }

  @Test
  void aCloudValueOfTheWrongTypeIsRefusedWithANoteAndTheOldValueKept() {
    Twin t =
        Twin.empty("temp", "int").applyCloudDesired("20", 3, PropertyType.INT, cloudClock).twin();

    Twin.Applied bad = t.applyCloudDesired("warm", 4, PropertyType.INT, cloudClock);

    assertThat(bad.outcome()).isEqualTo(Twin.Outcome.REFUSED);
    assertThat(bad.twin().expected()).isEqualTo("20");
    assertThat(bad.twin().note()).contains("generation 4").contains("\"warm\" is not a valid int");
    Twin.Applied good = bad.twin().applyCloudDesired("21", 5, PropertyType.INT, cloudClock);
    assertThat(good.twin().note()).isEmpty();
    assertThat(good.twin().expected()).isEqualTo("21");
  }

  @Test
  void reportsBumpTheActualVersionAndShowTheDelta() {
    Twin t = Twin.empty("temp", "int").applyLocalDesired("25", edgeClock);
    assertThat(t.hasDelta()).isTrue();

    t = t.applyReported("25", cloudClock);

    assertThat(t.hasDelta()).isFalse();
    assertThat(t.actualVersion()).isEqualTo(new TwinVersion(0, 1));
  }

  @Test
  void aReadErrorKeepsTheLastGoodValueUntilAReportCarriesAValueAgain() {
    Twin good = Twin.empty("temp", "int").applyReported("21", cloudClock);

    Twin failed =
        good.applyReport(good.actual(), "Modbus exception 2 (ILLEGAL_DATA_ADDRESS)", cloudClock);
    assertThat(failed.actual()).isEqualTo("21");
    assertThat(failed.actualError()).isEqualTo("Modbus exception 2 (ILLEGAL_DATA_ADDRESS)");

    Twin recovered = failed.applyReport("22", "", cloudClock);
    assertThat(recovered.actual()).isEqualTo("22");
    assertThat(recovered.actualError()).isEmpty();
    assertThat(failed.applyReported("23", cloudClock).actualError()).isEmpty();
  }
}
