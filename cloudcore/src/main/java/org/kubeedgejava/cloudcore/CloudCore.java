package org.kubeedgejava.cloudcore;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.cloudcore.admission.PartitionPolicy;
import org.kubeedgejava.cloudcore.admission.PodAdmission;
import org.kubeedgejava.cloudcore.admission.WebhookRegistration;
import org.kubeedgejava.cloudcore.certs.CertificateServer;
import org.kubeedgejava.cloudcore.certs.CloudCoreCredentials;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubServer;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubSettings;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.cloudhub.SessionRegistry;
import org.kubeedgejava.cloudcore.delivery.KubernetesAckLedger;
import org.kubeedgejava.cloudcore.delivery.KubernetesLiveObjects;
import org.kubeedgejava.cloudcore.delivery.ReliableDelivery;
import org.kubeedgejava.cloudcore.delivery.SyncController;
import org.kubeedgejava.cloudcore.devicecontroller.DeviceController;
import org.kubeedgejava.cloudcore.edgecontroller.DownstreamController;
import org.kubeedgejava.cloudcore.edgecontroller.UpstreamController;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import org.kubeedgejava.config.cloudcore.CloudHub;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cloudcore assembled from a validated {@link CloudCoreConfig}: credentials from the cluster, the
 * CloudHub websocket server, the join endpoint, reliable delivery with its resync, and the
 * Prometheus endpoint. {@link #close} stops everything in reverse order.
 */
public final class CloudCore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudCore.class);

  private final List<AutoCloseable> parts = new ArrayList<>();
  private final SessionRegistry sessions;
  private final ReliableDelivery delivery;
  private final InetSocketAddress hubAddress;
  private final InetSocketAddress httpsAddress;

  private CloudCore(
      SessionRegistry sessions,
      ReliableDelivery delivery,
      InetSocketAddress hubAddress,
      InetSocketAddress httpsAddress) {
    this.sessions = sessions;
    this.delivery = delivery;
    this.hubAddress = hubAddress;
    this.httpsAddress = httpsAddress;
  }

  /** Starts cloudcore; returns once it serves. */
  public static CloudCore start(CloudCoreConfig config, Clock clock, PrometheusRegistry registry)
      throws Exception {
    List<AutoCloseable> parts = new ArrayList<>();
    try {
      KubernetesClient kube = kubeClient(config);
      parts.add(kube);
      CloudHub hubConfig = config.cloudHub();
      List<InetAddress> advertise = new ArrayList<>();
      for (String ip : hubConfig.advertiseAddress()) {
        advertise.add(InetAddress.getByName(ip));
      }
      CloudCoreCredentials credentials =
          CloudCoreCredentials.loadOrCreate(kube, clock, advertise, hubConfig.dnsNames());
      log.info(
          "KubeEdge CA {} (token hash prefix {})",
          credentials.ca().certificate().getSubjectX500Principal(),
          credentials.ca().certificateHash().substring(0, 12));

      ScheduledExecutorService timers =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("cloudcore-timers").daemon().factory());
      parts.add(timers::shutdownNow);
      Duration refresh = hubConfig.tokenRefreshPeriod();
      credentials.refreshToken(kube, clock, refresh.multipliedBy(2));
      timers.scheduleAtFixedRate(
          () -> {
            try {
              credentials.refreshToken(kube, clock, refresh.multipliedBy(2));
            } catch (RuntimeException e) {
              log.error("token refresh failed; retrying at the next period", e);
            }
          },
          refresh.toMillis(),
          refresh.toMillis(),
          TimeUnit.MILLISECONDS);

      SessionRegistry sessions = new SessionRegistry(hubConfig.nodeLimit());
      CloudHubMetrics metrics = new CloudHubMetrics(registry, sessions::size);
      KubernetesAckLedger ledger = new KubernetesAckLedger(kube);
      parts.add(ledger);
      ReliableDelivery delivery =
          new ReliableDelivery(sessions, ledger, clock, 256, Duration.ofSeconds(5));
      parts.add(delivery);
      SyncController sync =
          new SyncController(ledger, new KubernetesLiveObjects(kube), delivery, clock);
      parts.add(sync);
      sessions.addListener(sync);

      DeviceController devices =
          config.modules().deviceController().enable()
              ? new DeviceController(kube, delivery, sessions, clock, registry)
              : null;
      if (devices != null) {
        parts.add(devices);
        devices.start();
        sessions.addListener(devices);
      }

      DownstreamController downstream = new DownstreamController(kube, delivery, clock);
      UpstreamController upstreamController =
          new UpstreamController(
              kube, downstream, clock, config.modules().edgeController().edgeNodeLabelValue());

      TlsIdentity serverIdentity =
          new TlsIdentity(
              credentials.server().privateKey(),
              credentials.server().certificate(),
              credentials.ca().certificate());
      CloudHubServer hub =
          new CloudHubServer(
              new CloudHubSettings(
                  hubConfig.websocket().address(),
                  hubConfig.websocket().port(),
                  hubConfig.keepalive(),
                  hubConfig.websocket().maxFrameBytes(),
                  hubConfig.nodeLimit()),
              serverIdentity,
              sessions,
              metrics,
              (session, message) ->
                  upstream(delivery, upstreamController, devices, session, message),
              clock,
              Math.max(2, Runtime.getRuntime().availableProcessors()));
      if (config.modules().edgeController().enable()) {
        downstream.start();
        parts.add(downstream);
        sessions.addListener(downstream);
      }
      InetSocketAddress hubAddress = hub.start();
      parts.add(hub);

      CertificateServer https =
          new CertificateServer(
              hubConfig.https().address(),
              hubConfig.https().port(),
              credentials.ca(),
              serverIdentity,
              hubConfig.edgeCertValidity(),
              hubConfig.expiredCertificateGrace(),
              name -> kube.nodes().withName(name).get() != null,
              clock,
              registry);
      InetSocketAddress httpsAddress = https.start();
      parts.add(https);
      if (config.modules().edgeController().enable()) {
        PartitionPolicy policy =
            new PartitionPolicy(
                downstream::isEdgeNode,
                node -> downstream.edgeNodeLabelled(node, PartitionPolicy.OPT_OUT_KEY, "evict"));
        https.admission(new PodAdmission(policy)::review);
        String host = hubConfig.advertiseAddress().get(0);
        WebhookRegistration.ensure(
            kube,
            credentials.ca().certificatePem(),
            "https://"
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + httpsAddress.getPort()
                + PodAdmission.PATH);
      }

      String[] monitor = config.commonConfig().monitorServer().bindAddress().split(":");
      HTTPServer metricsServer =
          HTTPServer.builder()
              .hostname(monitor[0])
              .port(Integer.parseInt(monitor[1]))
              .registry(registry)
              .buildAndStart();
      parts.add(metricsServer::close);
      log.info("Prometheus metrics on http://{}:{}/metrics", monitor[0], metricsServer.getPort());

      CloudCore core = new CloudCore(sessions, delivery, hubAddress, httpsAddress);
      core.parts.addAll(parts);
      return core;
    } catch (Exception | Error e) {
      closeAll(parts);
      throw e;
    }
  }

  /**
   * Edge messages other than keepalives: acknowledgements go to reliable delivery, device reports
   * (source {@code twin}, resources {@code device/...} and {@code membership/...}) to the
   * DeviceController (dropped when it is disabled), everything else to the EdgeController.
   */
  private static void upstream(
      ReliableDelivery delivery,
      UpstreamController controller,
      DeviceController devices,
      NodeSession session,
      Message message) {
    if (Operations.RESPONSE.equals(message.route().operation())) {
      if (!delivery.onAck(session.nodeId(), message)) {
        log.debug(
            "node {} answered {}, which is not pending",
            session.nodeId(),
            message.header().parentId());
      }
      return;
    }
    if (DeviceController.handles(message)) {
      if (devices != null) {
        devices.onMessage(session.nodeId(), message, session::send);
      } else {
        log.debug(
            "node {}: {} dropped: modules.deviceController is disabled",
            session.nodeId(),
            message.route().resource());
      }
      return;
    }
    controller.onMessage(session, message, session::send);
  }

  static KubernetesClient kubeClient(CloudCoreConfig config) {
    String kubeconfig = config.kubeAPIConfig().kubeConfig();
    Config base =
        kubeconfig.isEmpty()
            ? Config.autoConfigure(null)
            : Config.fromKubeconfig(new File(kubeconfig));
    ConfigBuilder builder = new ConfigBuilder(base);
    if (!config.kubeAPIConfig().master().isEmpty()) {
      builder.withMasterUrl(config.kubeAPIConfig().master());
    }
    builder.withRequestRetryBackoffLimit(5);
    builder.withMaxConcurrentRequests(config.kubeAPIConfig().burst());
    return new KubernetesClientBuilder().withConfig(builder.build()).build();
  }

  public SessionRegistry sessions() {
    return sessions;
  }

  public ReliableDelivery delivery() {
    return delivery;
  }

  public InetSocketAddress hubAddress() {
    return hubAddress;
  }

  public InetSocketAddress httpsAddress() {
    return httpsAddress;
  }

  @Override
  public void close() {
    closeAll(parts);
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (AutoCloseable part : parts.reversed()) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("error while stopping: {}", e.toString());
      }
    }
    parts.clear();
  }
}
