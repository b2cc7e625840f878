package org.kubeedgejava.cloudcore.devicecontroller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCoalescerTest {
  /** Runs tasks only when told to: the test decides when a write "returns". */
  private final Deque<Runnable> executor = new ArrayDeque<>();

  private final List<Runnable> delayed = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private final List<DeviceReport> written = new ArrayList<>();
  private final Deque<StatusCoalescer.Outcome> outcomes = new ArrayDeque<>();
  private int coalesced;
  private int failed;

  private final StatusCoalescer coalescer =
      new StatusCoalescer(
          (device, report) -> {
            written.add(report);
            return outcomes.isEmpty() ? StatusCoalescer.Outcome.WRITTEN : outcomes.poll();
          },
          executor::add,
          (delay, task) -> {
            delays.add(delay);
            delayed.add(task);
          },
          new StatusCoalescer.Events() {
            @Override
            public void coalesced() {
              coalesced++;
            }

            @Override
            public void written() {}

            @Override
            public void failed() {
              failed++;
            }

            @Override
            public void gone() {}
          });

  private static DeviceReport temperature(String value) {
    return DeviceReport.ofTwins(
        Map.of(
            "temperature",
            new DeviceReport.Twin(
                JsonNodeFactory.instance.objectNode().put("value", value), null)));
  }

  private static String value(DeviceReport report) {
    return report.twins().get("temperature").reported().path("value").asText();
  }

  private void runAll() {
    while (!executor.isEmpty()) {
      executor.poll().run();
    }
  }

  @Test
  void theFirstReportIsWrittenAtOnceWithNoDelay() {
    coalescer.offer("factory/plc", temperature("70.1"));

    assertThat(executor).hasSize(1);
    runAll();
    assertThat(written).extracting(StatusCoalescerTest::value).containsExactly("70.1");
    assertThat(delays).isEmpty();
  }

  @Test
  void reportsArrivingWhileAWriteIsPendingAreMergedIntoOneWriteOfTheNewest() {
    coalescer.offer("factory/plc", temperature("1"));
    for (int i = 2; i <= 200; i++) {
      coalescer.offer("factory/plc", temperature(Integer.toString(i)));
    }

    assertThat(executor).hasSize(1); // one write in flight per device, whatever arrives
    runAll();

    assertThat(written).extracting(StatusCoalescerTest::value).containsExactly("200");
    assertThat(coalesced).isEqualTo(199);
    assertThat(coalescer.pending()).isZero();
  }

  @Test
  void aReportArrivingDuringAWriteIsWrittenRightAfterIt() {
    List<String> order = new ArrayList<>();
    StatusCoalescer[] self = new StatusCoalescer[1];
    self[0] =
        new StatusCoalescer(
            (device, report) -> {
              order.add(value(report));
              if (value(report).equals("1")) {
                self[0].offer(device, temperature("2")); // arrives while "1" is being written
              }
              return StatusCoalescer.Outcome.WRITTEN;
            },
            executor::add,
            (delay, task) -> {},
            new NoEvents());
    self[0].offer("factory/plc", temperature("1"));
    runAll();

    assertThat(order).containsExactly("1", "2");
  }

  @Test
  void devicesAreWrittenIndependently() {
    coalescer.offer("factory/a", temperature("1"));
    coalescer.offer("factory/b", temperature("2"));

    assertThat(executor).hasSize(2);
  }

  @Test
  void aFailedWriteIsRetriedWithWhatArrivedMeanwhileAndNothingIsLost() {
    outcomes.add(StatusCoalescer.Outcome.FAILED);
    coalescer.offer(
        "factory/plc",
        DeviceReport.ofTwins(
                Map.of(
                    "temperature",
                    new DeviceReport.Twin(
                        JsonNodeFactory.instance.objectNode().put("value", "1"), null),
                    "humidity",
                    new DeviceReport.Twin(
                        JsonNodeFactory.instance.objectNode().put("value", "40"), null)))
            .merge(DeviceReport.ofState("online", null)));
    runAll();
    assertThat(failed).isEqualTo(1);
    assertThat(delayed).hasSize(1);

    coalescer.offer("factory/plc", temperature("2")); // arrives during the back-off
    assertThat(executor).isEmpty(); // waits for the retry, no second writer
    delayed.get(0).run();
    runAll();

    DeviceReport last = written.getLast();
    assertThat(value(last)).isEqualTo("2");
    assertThat(last.twins().get("humidity").reported().path("value").asText()).isEqualTo("40");
    assertThat(last.state()).isEqualTo("online");
  }

  @Test
  void retriesBackOffUpToACap() {
    for (int i = 0; i < 10; i++) {
      outcomes.add(StatusCoalescer.Outcome.FAILED);
    }
    coalescer.offer("factory/plc", temperature("1"));
    runAll();
    for (int i = 0; i < 9; i++) {
      delayed.get(i).run();
      runAll();
    }

    assertThat(delays.getFirst()).isEqualTo(Duration.ofMillis(200));
    assertThat(delays).isSorted();
    assertThat(delays.getLast()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aReportForADeviceThatIsGoneIsDropped() {
    outcomes.add(StatusCoalescer.Outcome.GONE);
    coalescer.offer("factory/plc", temperature("1"));
    runAll();

    assertThat(delayed).isEmpty();
    assertThat(coalescer.pending()).isZero();
  }

  private static final class NoEvents implements StatusCoalescer.Events {
    @Override
    public void coalesced() {}

    @Override
    public void written() {}

    @Override
    public void failed() {}

    @Override
    public void gone() {}
  }
}
