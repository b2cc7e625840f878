package org.kubeedgejava.cloudcore.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.ResourcePath;
import org.kubeedgejava.wire.Route;

class NodeDeliveryQueueTest {
  private Instant now = Instant.parse("2026-11-24T10:00:00Z");
  private final NodeDeliveryQueue queue = new NodeDeliveryQueue(2, Duration.ofSeconds(5));

  private static ObjectRef ref(String name) {
    return new ObjectRef(
        "v1", "ConfigMap", new ResourcePath("factory", "configmap", name), "uid-" + name);
  }

  private Message update(String name, String rv) {
    return Message.create(
            Clock.fixed(now, ZoneOffset.UTC),
            new Route(
                "edgecontroller", "", "resource", "update", "node/n1/factory/configmap/" + name),
            null)
        .withResourceVersion(rv);
  }

  private static List<String> versions(List<NodeDeliveryQueue.Send> sends) {
    return sends.stream().map(s -> s.message().header().resourceVersion()).toList();
  }

  @Test
  void whileANodeIsAwayOnlyTheNewestVersionOfEachObjectWaits() {
    queue.offer(ref("a"), update("a", "1"), now, false);
    queue.offer(ref("a"), update("a", "2"), now, false);
    queue.offer(ref("a"), update("a", "3"), now, false);

    List<NodeDeliveryQueue.Send> sent = queue.reconnected(now);

    assertThat(versions(sent)).containsExactly("3");
  }

  @Test
  void oneMessagePerObjectInFlightAndTheNextWaitsForTheAck() {
    NodeDeliveryQueue.Send first = queue.offer(ref("a"), update("a", "1"), now, true).get(0);

    assertThat(queue.offer(ref("a"), update("a", "2"), now, true)).isEmpty();
    assertThat(queue.acknowledge(first.message().header().id())).isPresent();

    assertThat(versions(queue.due(now, true))).containsExactly("2");
  }

  @Test
  void noMoreThanTheWindowIsInFlight() {
    queue.offer(ref("a"), update("a", "1"), now, true);
    queue.offer(ref("b"), update("b", "1"), now, true);

    assertThat(queue.offer(ref("c"), update("c", "1"), now, true)).isEmpty();
    assertThat(queue.inFlight()).isEqualTo(2);
    assertThat(queue.pending()).isEqualTo(3);
  }

  @Test
  void anUnacknowledgedMessageIsSentAgainWithTheSameIdAfterTheRetryInterval() {
    Message sent = queue.offer(ref("a"), update("a", "1"), now, true).get(0).message();

    assertThat(queue.due(now.plusSeconds(4), true)).isEmpty();
    List<NodeDeliveryQueue.Send> retry = queue.due(now.plusSeconds(5), true);

    assertThat(retry)
        .singleElement()
        .satisfies(s -> assertThat(s.message().header().id()).isEqualTo(sent.header().id()));
  }

  @Test
  void aDuplicateOrForeignAckChangesNothing() {
    Message sent = queue.offer(ref("a"), update("a", "1"), now, true).get(0).message();
    queue.acknowledge(sent.header().id());

    assertThat(queue.acknowledge(sent.header().id())).isEmpty();
    assertThat(queue.acknowledge("not-ours")).isEmpty();
    assertThat(queue.pending()).isZero();
  }

  @Test
  void afterAReconnectInFlightMessagesAreSentAgain() {
    queue.offer(ref("a"), update("a", "1"), now, true);

    assertThat(versions(queue.reconnected(now.plusSeconds(1)))).containsExactly("1");
  }

  @Test
  void nothingIsSentWhileDisconnected() {
    queue.offer(ref("a"), update("a", "1"), now, true);

    assertThat(queue.due(now.plusSeconds(60), false)).isEmpty();
  }
}
