package org.kubeedgejava.edgecore;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.config.edgecore.EdgeHub;
import org.kubeedgejava.cri.CriClient;
import org.kubeedgejava.edgecore.certs.CertificateBootstrap;
import org.kubeedgejava.edgecore.certs.CertificateRenewer;
import org.kubeedgejava.edgecore.certs.JoinException;
import org.kubeedgejava.edgecore.devicetwin.DeviceTwin;
import org.kubeedgejava.edgecore.edged.Edged;
import org.kubeedgejava.edgecore.edgehub.Backoff;
import org.kubeedgejava.edgecore.edgehub.EdgeHubClient;
import org.kubeedgejava.edgecore.edgehub.EdgeHubSettings;
import org.kubeedgejava.edgecore.eventbus.EventBus;
import org.kubeedgejava.edgecore.metamanager.MetaManager;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.edgecore.metamanager.UpstreamOutbox;
import org.kubeedgejava.edgecore.nodestatus.NodeAgent;
import org.kubeedgejava.edgecore.nodestatus.NodeFacts;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * edgecore assembled from a validated {@link EdgeCoreConfig}: the node identity (joined with the
 * token in the config if there is none yet, renewed at 70–90 % of its life and after an expiry
 * while offline: {@link CertificateRenewer}), the SQLite store, the EdgeHub tunnel, MetaManager,
 * and the upstream outbox. Works without the cloud: the store is opened before the tunnel is
 * dialled.
 */
public final class EdgeCore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeCore.class);

  private final List<AutoCloseable> parts = new ArrayList<>();
  private final EdgeHubClient hub;
  private final MetaManager meta;
  private final UpstreamOutbox outbox;
  private CertificateRenewer renewer;

  private EdgeCore(EdgeHubClient hub, MetaManager meta, UpstreamOutbox outbox) {
    this.hub = hub;
    this.meta = meta;
    this.outbox = outbox;
  }

  public static EdgeCore start(EdgeCoreConfig config, Clock clock, PrometheusRegistry registry)
      throws JoinException {
    EdgeHub hubConfig = config.edgeHub();
    String node = config.nodeName();
    CertificateBootstrap identity =
        new CertificateBootstrap(
            URI.create(hubConfig.httpServer()),
            node,
            new CertificateBootstrap.IdentityFiles(
                Path.of(hubConfig.tlsCaFile()),
                Path.of(hubConfig.tlsCertFile()),
                Path.of(hubConfig.tlsPrivateKeyFile())),
            clock,
            Duration.ofSeconds(hubConfig.websocket().handshakeTimeout()));
    if (identity.load().isEmpty()) {
      if (hubConfig.token().isBlank()) {
        throw new JoinException(
            "no node certificate for "
                + node
                + " at "
                + hubConfig.tlsCertFile()
                + " and no token in the configuration: run `keadm join`");
      }
      identity.join(hubConfig.token());
      log.info("joined: obtained the certificate for node {}", node);
    }

    List<AutoCloseable> parts = new ArrayList<>();
    MetaStore store = MetaStore.open(Path.of(config.database().dataSource()));
    parts.add(store);
    MessageCodec codec = new MessageCodec();
    String[] server = splitHostPort(hubConfig.websocket().server());
    EdgeHubSettings settings =
        new EdgeHubSettings(
            server[0],
            Integer.parseInt(server[1]),
            hubConfig.projectID(),
            node,
            hubConfig.heartbeatInterval(),
            hubConfig.websocket().handshakeTimeLimit(),
            MessageCodec.DEFAULT_MAX_FRAME_BYTES,
            hubConfig.reconnect().initialDelay(),
            hubConfig.reconnect().maxDelay());
    Holder holder = new Holder();
    EdgeHubClient hub =
        new EdgeHubClient(
            settings,
            () ->
                identity
                    .load()
                    .orElseThrow(
                        () -> new IllegalStateException("node certificate files are missing")),
            new EdgeHubClient.Listener() {
              @Override
              public void onConnected() {
                holder.renewer.onConnected();
                holder.nodeAgent.onConnected();
                DeviceTwin twin = holder.twin;
                if (twin != null) {
                  twin.onCloudConnected();
                }
                holder.outbox.flush();
              }

              @Override
              public void onDisconnected() {
                holder.nodeAgent.onDisconnected();
              }

              @Override
              public void onNotAdmitted() {
                holder.renewer.onTunnelRefused();
              }

              @Override
              public void onMessage(Message message) {
                holder.route(message);
              }
            },
            new Backoff(settings.initialBackoff(), settings.maxBackoff(), new SplittableRandom()),
            clock,
            registry);
    parts.add(hub);
    MetaManager meta = new MetaManager(store, hub::send, clock);
    UpstreamOutbox outbox = new UpstreamOutbox(store, codec, hub::send);
    var edged = config.edged();
    NodeAgent nodeAgent =
        new NodeAgent(
            hub,
            NodeFacts.ofThisMachine(
                node,
                edged.nodeIP(),
                edged.tailoredKubeletConfig().maxPods(),
                holder::runtimeVersion,
                edged.nodeLabels()),
            clock,
            edged.tailoredKubeletConfig().nodeStatusUpdatePeriod(),
            Duration.ofSeconds(10));
    parts.add(nodeAgent);
    holder.meta = meta;
    holder.outbox = outbox;
    holder.nodeAgent = nodeAgent;
    EdgeCore core = new EdgeCore(hub, meta, outbox);
    core.parts.addAll(parts);
    // renews ahead of expiry, and after an expiry while offline (with the expired certificate)
    ScheduledExecutorService rotation =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cert-rotation").daemon().factory());
    core.parts.add(rotation::shutdownNow);
    holder.renewer =
        new CertificateRenewer(
            node,
            CertificateRenewer.filesOf(identity),
            hub::reconnectNow,
            (task, delay) -> rotation.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS),
            clock,
            new SplittableRandom(),
            hubConfig.rotateCertificates());
    core.renewer = holder.renewer;
    holder.renewer.start();
    if (config.modules().deviceTwin().enable()) {
      startDevices(config, store, outbox, meta, hub, clock, holder, core.parts);
    }
    if (edged.enable()) {
      startEdged(config, store, outbox, meta, clock, holder, core.parts);
    }
    hub.start();
    log.info("edgecore started for node {}; store {}", node, config.database().dataSource());
    return core;
  }

  /**
   * DeviceTwin (devices from the store, the DMI server on {@code modules.deviceTwin.dmiSockPath})
   * and, when enabled, EventBus to the MQTT broker(s) of {@code eventBus.mqttMode}. A DMI socket or
   * a built-in broker that cannot be bound stops edgecore with the reason; an external broker that
   * is down does not (EventBus reconnects).
   */
  private static void startDevices(
      EdgeCoreConfig config,
      MetaStore store,
      UpstreamOutbox outbox,
      MetaManager meta,
      EdgeHubClient hub,
      Clock clock,
      Holder holder,
      List<AutoCloseable> parts) {
    DeviceTwin twin =
        DeviceTwin.start(
            DeviceTwin.Settings.defaults(
                config.nodeName(), Path.of(config.modules().deviceTwin().dmiSockPath())),
            store,
            Path.of(config.database().dataSource()),
            outbox,
            hub::isConnected,
            clock);
    parts.add(twin);
    meta.addListener(twin::onMetaChange);
    holder.twin = twin;
    var bus = config.modules().eventBus();
    if (bus.enable()) {
      parts.add(
          EventBus.start(
              bus,
              dataDir(config),
              twin,
              message -> hub.send(message).exceptionally(e -> null),
              clock));
    }
  }

  /**
   * Starts Edged once the container runtime answers; until then retries every 5 s in the
   * background, so edgecore (and the node's tunnel) runs even while containerd is down.
   */
  private static void startEdged(
      EdgeCoreConfig config,
      MetaStore store,
      UpstreamOutbox outbox,
      MetaManager meta,
      Clock clock,
      Holder holder,
      List<AutoCloseable> parts) {
    var edgedConfig = config.edged();
    String endpoint = edgedConfig.tailoredKubeletConfig().containerRuntimeEndpoint();
    ScheduledExecutorService retry =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("edged-start").daemon().factory());
    parts.add(retry::shutdownNow);
    Runnable attempt =
        new Runnable() {
          @Override
          public void run() {
            try {
              CriClient cri = CriClient.connect(endpoint);
              cri.version();
              Edged edged =
                  new Edged(
                      store,
                      cri,
                      Path.of(edgedConfig.rootDirectory(), "pods"),
                      outbox,
                      clock,
                      edgedConfig.podLogDirectory(),
                      NodeFacts.nodeIp(edgedConfig.nodeIP()));
              meta.addListener(edged::onChange);
              synchronized (parts) {
                parts.add(cri);
                parts.add(edged);
              }
              holder.edged = edged;
              edged.start(Duration.ofSeconds(1));
              log.info("edged: container runtime {} at {}", edged.runtimeVersion(), endpoint);
            } catch (RuntimeException e) {
              log.warn(
                  "edged: container runtime at {} not available ({}); retrying in 5 s",
                  endpoint,
                  e.getMessage());
              retry.schedule(this, 5, TimeUnit.SECONDS);
            }
          }
        };
    retry.execute(attempt);
  }

  /** The directory of edgecore's database: where edgecore keeps its data. */
  private static Path dataDir(EdgeCoreConfig config) {
    Path db = Path.of(config.database().dataSource()).toAbsolutePath();
    return db.getParent();
  }

  static String[] splitHostPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new String[] {host, hostPort.substring(colon + 1)};
  }

  /** Routes cloud messages by group (step 4 of the message flow); more modules join it later. */
  private static final class Holder {
    MetaManager meta;
    UpstreamOutbox outbox;
    NodeAgent nodeAgent;
    volatile DeviceTwin twin;
    CertificateRenewer renewer;
    volatile Edged edged;

    String runtimeVersion() {
      Edged e = edged;
      return e == null ? "containerd://unknown" : e.runtimeVersion();
    }

    void route(Message message) {
      String group = message.route().group();
      if (Groups.RESOURCE.equals(group) || Groups.META.equals(group) || group.isEmpty()) {
        meta.onCloudMessage(message);
      } else if (Groups.TWIN.equals(group) && twin != null) {
        twin.onCloudMessage(message);
      } else {
        log.debug("no module for group {} yet; dropped {}", group, message.route().resource());
      }
    }
  }

  public EdgeHubClient hub() {
    return hub;
  }

  /** Keeps the node certificate renewed; says why cloudcore refused an expired one. */
  public CertificateRenewer certificates() {
    return renewer;
  }

  public MetaManager meta() {
    return meta;
  }

  public UpstreamOutbox outbox() {
    return outbox;
  }

  @Override
  public void close() {
    for (AutoCloseable part : parts.reversed()) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("error while stopping: {}", e.toString());
      }
    }
  }
}
