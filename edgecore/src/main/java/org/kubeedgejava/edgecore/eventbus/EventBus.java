package org.kubeedgejava.edgecore.eventbus;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.kubeedgejava.edgecore.devicetwin.DeviceTwin;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT bridge between devices/mappers/applications and DeviceTwin (docs/devices.md, "EventBus
 * topics"). One Paho client per broker: QoS 1, clean session, not retained. Device and node topics
 * become typed DeviceTwin calls; {@code $hw/events/upload/#} goes to the cloud as upstream's {@code
 * upload} messages. DeviceTwin publishes its results through {@link #publish}.
 *
 * <p>Brokers by {@code eventBus.mqttMode}: 2 (the default) the external broker only; 0 the built-in
 * broker ({@link EmbeddedBroker}) only, started here; 1 both, with a client on each: what arrives
 * on either is handled alike, and everything DeviceTwin publishes (results, deltas, documents) goes
 * to both, so a KubeEdge-style mapper works on whichever broker it uses. Nothing is forwarded from
 * one broker to the other.
 *
 * <p>A broker may be down at start or go away later: edgecore keeps running, and each client
 * reconnects with back-off (1 s doubling to 30 s), re-subscribing each time, and logs once per
 * outage. Messages published while disconnected are dropped (they are answers and notifications;
 * the durable state is in DeviceTwin's tables).
 *
 * <p>Threading: the Paho clients' own threads deliver messages (the callback only hands them to
 * DeviceTwin, which queues); connecting and subscribing run on one thread, {@code eventbus}.
 */
public final class EventBus implements DeviceTwin.Publisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  static final int QOS = 1;
  static final String[] SUBSCRIPTIONS = {
    "$hw/events/device/+/+/twin/+",
    "$hw/events/device/+/+/state/update",
    "$hw/events/node/+/membership/get",
    "$hw/events/upload/#"
  };
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private final DeviceTwin twin;
  private final Consumer<Message> toCloud;
  private final Clock clock;
  private final List<Link> links = new ArrayList<>();
  private final ScheduledExecutorService thread;
  private AutoCloseable broker = () -> {}; // the built-in one, when this bus started it
  private volatile boolean closed;

  private EventBus(DeviceTwin twin, Consumer<Message> toCloud, Clock clock) {
    this.twin = Objects.requireNonNull(twin, "twin");
    this.toCloud = toCloud;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("eventbus").daemon().factory());
  }

  /**
   * Connects to the external broker {@code server} ({@code tcp://host:port}) in the background and
   * attaches itself to {@code twin} as its publisher: mode 2.
   *
   * @param toCloud sends a message up the tunnel (uploads; dropped while offline)
   * @throws IllegalArgumentException when {@code server} is not a valid MQTT URL
   */
  public static EventBus start(
      String server, DeviceTwin twin, Consumer<Message> toCloud, Clock clock) {
    EventBus bus = new EventBus(twin, toCloud, clock);
    try {
      bus.addLink(server, "hub-client-" + clock.millis());
    } catch (RuntimeException e) {
      bus.close();
      throw e;
    }
    return bus.begin();
  }

  /**
   * The bus {@code config} asks for: in modes 0 and 1 the built-in broker is started first, on
   * {@code mqttServerInternal}, and stopped by {@link #close}.
   *
   * @param dataDir edgecore's data directory (the built-in broker keeps nothing on disk)
   * @throws IllegalArgumentException when a broker URL is not a valid MQTT URL
   * @throws IllegalStateException when the built-in broker cannot listen (its port is taken, say)
   */
  public static EventBus start(
      org.kubeedgejava.config.edgecore.EventBus config,
      Path dataDir,
      DeviceTwin twin,
      Consumer<Message> toCloud,
      Clock clock) {
    int mode = config.mqttMode();
    if (mode == org.kubeedgejava.config.edgecore.EventBus.MQTT_MODE_EXTERNAL) {
      return start(config.mqttServerExternal(), twin, toCloud, clock);
    }
    EventBus bus = new EventBus(twin, toCloud, clock);
    try {
      // Moquette is loaded here and only here: mode 2 never gets this far
      bus.broker = EmbeddedBroker.start(config.mqttServerInternal(), dataDir);
      bus.addLink(config.mqttServerInternal(), "hub-client-internal-" + clock.millis());
      if (mode == org.kubeedgejava.config.edgecore.EventBus.MQTT_MODE_BOTH) {
        bus.addLink(config.mqttServerExternal(), "hub-client-" + clock.millis());
      }
    } catch (RuntimeException e) {
      bus.close();
      throw e;
    }
    return bus.begin();
  }

  private void addLink(String server, String clientId) {
    try {
      links.add(new Link(server, clientId));
    } catch (MqttException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "eventbus: cannot use MQTT broker " + server + ": " + e, e);
    }
  }

  private EventBus begin() {
    twin.attach(this);
    for (Link link : links) {
      thread.execute(link::connect);
    }
    return this;
  }

  /** Whether every broker this bus uses is connected. */
  public boolean isConnected() {
    return links.stream().allMatch(l -> l.client.isConnected());
  }

  /** To every connected broker (mode 1: both). */
  @Override
  public void publish(String topic, JsonNode payload) {
    byte[] bytes = payload.toString().getBytes(StandardCharsets.UTF_8);
    for (Link link : links) {
      link.publish(topic, bytes);
    }
  }

  /** One broker: its Paho client and its reconnect state. */
  private final class Link {
    private final String server;
    private final MqttAsyncClient client;
    private boolean outageLogged; // eventbus thread only
    private int failures; // eventbus thread only

    Link(String server, String clientId) throws MqttException {
      this.server = server;
      this.client = new MqttAsyncClient(server, clientId, new MemoryPersistence());
      client.setCallback(new Callback(this));
    }

    void publish(String topic, byte[] payload) {
      if (!client.isConnected()) {
        log.debug("eventbus: not connected to {}; dropped a message for {}", server, topic);
        return;
      }
      try {
        client.publish(topic, payload, QOS, false);
      } catch (MqttException e) {
        // the twin is already stored and reported; only this notification to local apps is lost
        log.warn("eventbus: dropped a message for {} on {}: {}", topic, server, e.toString());
      }
    }

    void connect() {
      if (closed || client.isConnected()) {
        return;
      }
      MqttConnectOptions options = new MqttConnectOptions();
      options.setCleanSession(true);
      options.setAutomaticReconnect(false); // ours re-subscribes and backs off
      options.setConnectionTimeout(10);
      options.setKeepAliveInterval(30);
      // results and documents go out QoS 1: a burst of twin updates must not find the in-flight
      // window full (Paho refuses, 32202, rather than waiting)
      options.setMaxInflight(1000);
      if (server.startsWith("tcp://")) {
        options.setSocketFactory(new NoDelaySocketFactory()); // answers go out at once
      }
      try {
        client.connect(options).waitForCompletion(15_000);
        int[] qos = new int[SUBSCRIPTIONS.length];
        Arrays.fill(qos, QOS);
        client.subscribe(SUBSCRIPTIONS, qos).waitForCompletion(15_000);
        failures = 0;
        if (outageLogged) {
          log.info("eventbus: connected to MQTT broker {} again", server);
        } else {
          log.info("eventbus: connected to MQTT broker {}", server);
        }
        outageLogged = false;
      } catch (MqttException e) {
        if (!outageLogged) {
          log.warn(
              "eventbus: MQTT broker {} not reachable ({}); retrying in the background",
              server,
              e.getMessage());
          outageLogged = true;
        }
        try {
          if (client.isConnected()) {
            client.disconnectForcibly(1000, 1000);
          }
        } catch (MqttException ignored) {
          // it is being thrown away anyway
        }
        retryLater();
      }
    }

    private void retryLater() {
      long ms = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failures, 5));
      failures++;
      schedule(ms);
    }

    void schedule(long delayMillis) {
      if (closed) {
        return;
      }
      try {
        thread.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }

    void close() {
      try {
        if (client.isConnected()) {
          client.disconnect(1000).waitForCompletion(2000);
        }
      } catch (MqttException e) {
        log.debug("eventbus: disconnect from {}: {}", server, e.toString());
      }
      try {
        client.close(true);
      } catch (MqttException e) {
        log.debug("eventbus: close {}: {}", server, e.toString());
      }
    }
  }

  /** Routes one received message. Package-private for tests. */
  void dispatch(String topic, byte[] payload) {
    String[] t = topic.split("/", -1);
    // $hw/events/device/<ns>/<name>/...
    if (t.length >= 7 && "$hw".equals(t[0]) && "events".equals(t[1]) && "device".equals(t[2])) {
      String id = t[3] + "/" + t[4];
      String rest = String.join("/", Arrays.copyOfRange(t, 5, t.length));
      switch (rest) {
        case "twin/update" -> twin.twinUpdate(id, payload);
        case "twin/get" -> twin.twinGet(id, payload);
        case "state/update" -> twin.stateUpdate(id, payload);
        default -> log.debug("eventbus: no handler for {}", topic);
      }
      return;
    }
    if (t.length == 5 && "node".equals(t[2]) && "membership".equals(t[3]) && "get".equals(t[4])) {
      twin.membershipGet(payload);
      return;
    }
    if (topic.startsWith("$hw/events/upload/")) {
      toCloud.accept(
          Message.create(
              clock,
              new Route("bus", "", Groups.USER, "upload", topic),
              com.fasterxml.jackson.databind.node.TextNode.valueOf(
                  new String(payload, StandardCharsets.UTF_8))));
      return;
    }
    log.debug("eventbus: ignored a message on {}", topic);
  }

  private final class Callback implements MqttCallback {
    private final Link link;

    Callback(Link link) {
      this.link = link;
    }

    @Override
    public void connectionLost(Throwable cause) {
      log.warn(
          "eventbus: lost the MQTT broker {} ({}); reconnecting",
          link.server,
          String.valueOf(cause));
      try {
        thread.execute(() -> link.outageLogged = true);
      } catch (RejectedExecutionException e) {
        return; // closing
      }
      link.schedule(FIRST_RETRY.toMillis());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        dispatch(topic, message.getPayload());
      } catch (RuntimeException e) {
        log.error("eventbus: failed to handle a message on {}", topic, e);
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }

  /** Disconnects from the brokers, then stops the built-in one if this bus started it. */
  @Override
  public void close() {
    closed = true;
    twin.attach(DeviceTwin.Publisher.NONE);
    thread.shutdownNow();
    for (Link link : links) {
      link.close();
    }
    try {
      broker.close();
    } catch (Exception e) {
      log.warn("eventbus: stopping the built-in MQTT broker: {}", e.toString());
    }
  }
}
