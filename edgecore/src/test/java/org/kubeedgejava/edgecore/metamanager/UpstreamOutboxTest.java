package org.kubeedgejava.edgecore.metamanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Route;

class UpstreamOutboxTest {
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final List<Message> sent = new ArrayList<>();
  private boolean tunnelUp;

  private CompletableFuture<Void> send(Message m) {
    if (!tunnelUp) {
      return CompletableFuture.failedFuture(new IllegalStateException("down"));
    }
    sent.add(m);
    return CompletableFuture.completedFuture(null);
  }

  private Message status(String pod, String phase) {
    return Message.create(
        clock,
        new Route("edged", "", "resource", "update", "factory/podstatus/" + pod),
        TextNode.valueOf(phase));
  }

  @Test
  void whatIsReportedOfflineIsSentInOrderOnceTheTunnelIsBack() {
    try (MetaStore store = MetaStore.open(dir.resolve("db"))) {
      UpstreamOutbox outbox = new UpstreamOutbox(store, new MessageCodec(), this::send);
      outbox.submit(status("a", "Pending"), "pod/a");
      outbox.submit(status("b", "Running"), "pod/b");

      assertThat(outbox.flush()).isZero();
      tunnelUp = true;
      assertThat(outbox.flush()).isEqualTo(2);

      assertThat(sent).extracting(Message::contentText).containsExactly("Pending", "Running");
      assertThat(store.pendingUpstream(10)).isEmpty();
    }
  }

  @Test
  void onlyTheNewestStatusPerObjectWaits() {
    try (MetaStore store = MetaStore.open(dir.resolve("db"))) {
      UpstreamOutbox outbox = new UpstreamOutbox(store, new MessageCodec(), this::send);
      outbox.submit(status("a", "Pending"), "pod/a");
      outbox.submit(status("a", "Running"), "pod/a");
      outbox.submit(status("a", "Failed"), "pod/a");

      tunnelUp = true;
      outbox.flush();

      assertThat(sent).extracting(Message::contentText).containsExactly("Failed");
    }
  }

  @Test
  void waitingMessagesSurviveARestartOfEdgecore() {
    try (MetaStore store = MetaStore.open(dir.resolve("db"))) {
      new UpstreamOutbox(store, new MessageCodec(), this::send)
          .submit(status("a", "Running"), "pod/a");
    }
    tunnelUp = true;
    try (MetaStore store = MetaStore.open(dir.resolve("db"))) {
      new UpstreamOutbox(store, new MessageCodec(), this::send).flush();
    }
    assertThat(sent).hasSize(1);
  }
}
