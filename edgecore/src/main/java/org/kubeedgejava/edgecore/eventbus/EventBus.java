package org.kubeedgejava.edgecore.eventbus;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
 * topics"). One Paho client to the external broker: QoS 1, clean session, not retained. Device and
 * node topics become typed DeviceTwin calls; {@code $hw/events/upload/#} goes to the cloud as
 * upstream's {@code upload} messages. DeviceTwin publishes its results through {@link #publish}.
 *
 * <p>The broker may be down at start or go away later: edgecore keeps running, and this class
 * reconnects with back-off (1 s doubling to 30 s), re-subscribing each time, and logs once per
 * outage. Messages published while disconnected are dropped (they are answers and notifications;
 * the durable state is in DeviceTwin's tables).
 *
 * <p>Threading: the Paho client's own threads deliver messages (the callback only hands them to
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

  private final String server;
  private final DeviceTwin twin;
  private final Consumer<Message> toCloud;
  private final Clock clock;
  private final MqttAsyncClient client;
  private final ScheduledExecutorService thread;
  private volatile boolean closed;
  private boolean outageLogged; // eventbus thread only
  private int failures; // eventbus thread only

  private EventBus(
      String server, DeviceTwin twin, Consumer<Message> toCloud, Clock clock, String clientId)
      throws MqttException {
    this.server = server;
    this.twin = twin;
    this.toCloud = toCloud;
    this.clock = clock;
    this.client = new MqttAsyncClient(server, clientId, new MemoryPersistence());
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("eventbus").daemon().factory());
  }

  /**
   * Connects to {@code server} ({@code tcp://host:port}) in the background and attaches itself to
   * {@code twin} as its publisher.
   *
   * @param toCloud sends a message up the tunnel (uploads; dropped while offline)
   * @throws IllegalArgumentException when {@code server} is not a valid MQTT URL
   */
  public static EventBus start(
      String server, DeviceTwin twin, Consumer<Message> toCloud, Clock clock) {
    Objects.requireNonNull(twin, "twin");
    EventBus bus;
    try {
      bus = new EventBus(server, twin, toCloud, clock, "hub-client-" + clock.millis());
    } catch (MqttException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "eventbus: cannot use MQTT broker " + server + ": " + e, e);
    }
    bus.client.setCallback(bus.new Callback());
    twin.attach(bus);
    bus.thread.execute(bus::connect);
    return bus;
  }

  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void publish(String topic, JsonNode payload) {
    if (!client.isConnected()) {
      log.debug("eventbus: not connected; dropped a message for {}", topic);
      return;
    }
    try {
      client.publish(topic, payload.toString().getBytes(StandardCharsets.UTF_8), QOS, false);
    } catch (MqttException e) {
      log.debug("eventbus: cannot publish to {}: {}", topic, e.toString());
    }
  }

  private void connect() {
    if (closed || client.isConnected()) {
      return;
    }
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setAutomaticReconnect(false); // ours re-subscribes and backs off
    options.setConnectionTimeout(10);
    options.setKeepAliveInterval(30);
    options.setMaxInflight(100);
    if (server.startsWith("tcp://")) {
      options.setSocketFactory(new NoDelaySocketFactory()); // answers go out at once
    }
    try {
      client.connect(options).waitForCompletion(15_000);
      int[] qos = new int[SUBSCRIPTIONS.length];
      java.util.Arrays.fill(qos, QOS);
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

  private void schedule(long delayMillis) {
    if (closed) {
      return;
    }
    try {
      thread.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Routes one received message. Package-private for tests. */
  void dispatch(String topic, byte[] payload) {
    String[] t = topic.split("/", -1);
    // $hw/events/device/<ns>/<name>/...
    if (t.length >= 7 && "$hw".equals(t[0]) && "events".equals(t[1]) && "device".equals(t[2])) {
      String id = t[3] + "/" + t[4];
      String rest = String.join("/", java.util.Arrays.copyOfRange(t, 5, t.length));
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
    @Override
    public void connectionLost(Throwable cause) {
      log.warn(
          "eventbus: lost the MQTT broker {} ({}); reconnecting", server, String.valueOf(cause));
      thread.execute(() -> outageLogged = true);
      schedule(FIRST_RETRY.toMillis());
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

  @Override
  public void close() {
    closed = true;
    twin.attach(DeviceTwin.Publisher.NONE);
    thread.shutdownNow();
    try {
      if (client.isConnected()) {
        client.disconnect(1000).waitForCompletion(2000);
      }
    } catch (MqttException e) {
      log.debug("eventbus: disconnect: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("eventbus: close: {}", e.toString());
    }
  }
}
