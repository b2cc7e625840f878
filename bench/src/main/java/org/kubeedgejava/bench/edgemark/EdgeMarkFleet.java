package org.kubeedgejava.bench.edgemark;

import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.kubeedgejava.edgecore.edgehub.Backoff;
import org.kubeedgejava.edgecore.edgehub.EdgeHubClient;
import org.kubeedgejava.edgecore.edgehub.EdgeHubSettings;
import org.kubeedgejava.transport.EventLoops;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.Header;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.Route;

/**
 * The edge side of EdgeMark: N simulated edge nodes in one JVM, each a real {@link EdgeHubClient}
 * with its own node certificate, all on one shared event-loop group and counting reconnects in one
 * shared counter. Nodes are started at {@code --rate} per second, with at most {@code
 * --max-pending} started but not yet connected; they send keepalives every {@code
 * --heartbeat-seconds} (15, edgecore's default) and answer every message from the cloud at once
 * with a response whose {@code parent_msg_id} is the message's id.
 *
 * <p>{@code --reply edge} (the default) answers from source {@code metamanager}; {@code --reply
 * ack} sends {@link Message#ack} unchanged, which copies the request's cloud source, as edgecore's
 * MetaManager does.
 *
 * <p>Usage: {@code EdgeMarkFleet --host H --port P --pki DIR --nodes N [--rate 500] [--max-pending
 * 256] [--heartbeat-seconds 15] [--io-threads 2] [--reply edge|ack]}. Prints a status line every 10
 * s and a last one when stopped (SIGTERM); runs until stopped.
 */
public final class EdgeMarkFleet {
  private static final String PROJECT = "edgemark";

  private final Clock clock = Clock.systemUTC();
  private final boolean verbatimAck;
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger everConnected = new AtomicInteger();
  private final LongAdder disconnects = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final LongAdder answerFailures = new LongAdder();
  private Counter reconnects;

  private EdgeMarkFleet(boolean verbatimAck) {
    this.verbatimAck = verbatimAck;
  }

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args);
    String reply = a.string("reply", "edge");
    if (!reply.equals("edge") && !reply.equals("ack")) {
      throw new IllegalArgumentException("--reply is edge or ack, got " + reply);
    }
    new EdgeMarkFleet(reply.equals("ack")).run(a);
  }

  private void run(Args a) throws Exception {
    String host = a.string("host");
    int port = a.integer("port");
    int nodes = a.integer("nodes");
    int rate = a.integer("rate", 500);
    int maxPending = a.integer("max-pending", 256);
    Duration heartbeat = Duration.ofSeconds(a.integer("heartbeat-seconds", 15));
    int ioThreads = a.integer("io-threads", 2);
    Path pki = a.path("pki");

    long loadStart = System.nanoTime();
    X509Certificate ca = EdgeMarkPki.caCertificate(pki);
    TlsIdentity[] identities = new TlsIdentity[nodes];
    IntStream.range(0, nodes)
        .parallel()
        .forEach(i -> {
          try {
            identities[i] = EdgeMarkPki.nodeIdentity(pki, i, ca);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    say("loaded %d node identities in %.1f s", nodes, (System.nanoTime() - loadStart) / 1e9);

    EventLoopGroup group = EventLoops.newGroup("edgemark-io", ioThreads);
    reconnects = EdgeHubClient.reconnectCounter(new PrometheusRegistry());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> say("stopping: %s", status()), "edgemark-final-status"));

    long rampStart = System.nanoTime();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long lastPrint = rampStart;
    for (int i = 0; i < nodes; i++) {
      long due = rampStart + interval * i;
      long stallSince = System.nanoTime();
      while (System.nanoTime() < due
          || (i - everConnected.get() >= maxPending
              && System.nanoTime() - stallSince < TimeUnit.SECONDS.toNanos(30))) {
        Thread.sleep(1);
      }
      String name = NodeNames.of(i);
      EdgeHubSettings settings =
          new EdgeHubSettings(
              host,
              port,
              PROJECT,
              name,
              heartbeat,
              Duration.ofSeconds(30),
              MessageCodec.DEFAULT_MAX_FRAME_BYTES,
              Duration.ofSeconds(1),
              Duration.ofSeconds(60));
      TlsIdentity identity = identities[i];
      SimulatedNode node = new SimulatedNode();
      node.client =
          new EdgeHubClient(
              settings,
              () -> identity,
              node,
              new Backoff(
                  settings.initialBackoff(), settings.maxBackoff(), new SplittableRandom(i)),
              clock,
              reconnects,
              group);
      node.client.start();
      long now = System.nanoTime();
      if (now - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
        lastPrint = now;
        say("ramp: %d started; %s", i + 1, status());
      }
    }
    say(
        "ramp: all %d started in %.1f s; %s",
        nodes, (System.nanoTime() - rampStart) / 1e9, status());
    while (true) {
      Thread.sleep(10_000);
      say("%s", status());
    }
  }

  private String status() {
    return String.format(
        Locale.ROOT,
        "connected %d, ever connected %d, disconnects %d, reconnect attempts %.0f, messages"
            + " received %d, answered %d, answer failures %d",
        connected.get(),
        everConnected.get(),
        disconnects.sum(),
        reconnects == null ? 0.0 : reconnects.get(),
        received.sum(),
        answered.sum(),
        answerFailures.sum());
  }

  private Message answer(Message request) {
    if (verbatimAck) {
      return Message.ack(clock, request);
    }
    return new Message(
        new Header(Message.newId(), request.header().id(), clock.millis(), "", false),
        new Route(
            "metamanager",
            "",
            request.route().group(),
            Operations.RESPONSE,
            request.route().resource()),
        TextNode.valueOf(Message.ACK_OK));
  }

  private static void say(String format, Object... values) {
    System.out.printf(
        Locale.ROOT,
        "[%tT] %s%n",
        System.currentTimeMillis(),
        String.format(Locale.ROOT, format, values));
  }

  /** One simulated node: counts its connection events and answers what the cloud sends. */
  private final class SimulatedNode implements EdgeHubClient.Listener {
    private EdgeHubClient client; // set before start(); listener calls happen after
    private boolean wasConnected; // only touched on the client's listener thread

    @Override
    public void onConnected() {
      connected.incrementAndGet();
      if (!wasConnected) {
        wasConnected = true;
        everConnected.incrementAndGet();
      }
    }

    @Override
    public void onDisconnected() {
      connected.decrementAndGet();
      disconnects.increment();
    }

    @Override
    public void onMessage(Message message) {
      received.increment();
      client
          .send(answer(message))
          .whenComplete((ok, error) -> {
            if (error == null) {
              answered.increment();
            } else {
              answerFailures.increment();
            }
          });
    }
  }
}
