package org.kubeedgejava.cloudcore.devicecontroller;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The DeviceController's Prometheus metrics. Thread-safe. */
final class DeviceControllerMetrics implements StatusCoalescer.Events {
  /** Why a report was not applied (label {@code reason}). */
  enum Rejection {
    UNKNOWN_DEVICE("unknown_device"),
    NOT_OWNER("not_owner"),
    MALFORMED("malformed"),
    UNKNOWN_RESOURCE("unknown_resource");

    final String label;

    Rejection(String label) {
      this.label = label;
    }
  }

  private final Counter reports;
  private final Counter patches;
  private final Counter coalesced;
  private final Counter rejected;
  private final Counter patchFailures;
  private final Counter droppedGone;

  DeviceControllerMetrics(PrometheusRegistry registry) {
    reports =
        Counter.builder()
            .name("kubeedge_devicecontroller_reports_total")
            .help("Twin and state reports accepted from edge nodes")
            .register(registry);
    patches =
        Counter.builder()
            .name("kubeedge_devicecontroller_status_patches_total")
            .help("Device status merge patches written to the API server")
            .register(registry);
    coalesced =
        Counter.builder()
            .name("kubeedge_devicecontroller_reports_coalesced_total")
            .help("Reports merged into a pending status patch instead of written on their own")
            .register(registry);
    rejected =
        Counter.builder()
            .name("kubeedge_devicecontroller_rejected_reports_total")
            .help("Reports from edge nodes that were not applied, by reason")
            .labelNames("reason")
            .register(registry);
    patchFailures =
        Counter.builder()
            .name("kubeedge_devicecontroller_status_patch_failures_total")
            .help("Device status patches that failed and are retried")
            .register(registry);
    droppedGone =
        Counter.builder()
            .name("kubeedge_devicecontroller_reports_for_deleted_devices_total")
            .help("Pending reports dropped because their Device was deleted before the write")
            .register(registry);
  }

  void accepted() {
    reports.inc();
  }

  void rejected(Rejection reason) {
    rejected.labelValues(reason.label).inc();
  }

  @Override
  public void coalesced() {
    coalesced.inc();
  }

  @Override
  public void written() {
    patches.inc();
  }

  @Override
  public void failed() {
    patchFailures.inc();
  }

  @Override
  public void gone() {
    droppedGone.inc();
  }
}
