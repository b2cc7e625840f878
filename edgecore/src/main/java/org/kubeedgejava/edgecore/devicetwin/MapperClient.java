package org.kubeedgejava.edgecore.devicetwin;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.kubeedgejava.dmi.UnixSocketGrpc;
import org.kubeedgejava.dmi.v1beta1.CreateDeviceModelRequest;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceMapperServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.RegisterDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.RemoveDeviceModelRequest;
import org.kubeedgejava.dmi.v1beta1.RemoveDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceModelRequest;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * edgecore's client of one mapper's {@code DeviceMapperService}: tells it of device and model
 * changes. Calls are queued per object; a newer call for the same object replaces one that waits or
 * is being retried (only the latest state matters). A failed call is retried with exponential
 * back-off (1 s doubling to 30 s) until it succeeds, is superseded, or the client is closed.
 *
 * <p>Threading: calls run on the executor given (DeviceTwin's dedicated DMI client thread), never
 * on the caller's; {@code onFailure} and {@code onSuccess} run there too.
 */
final class MapperClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MapperClient.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private interface Call {
    void run(DeviceMapperServiceGrpc.DeviceMapperServiceBlockingStub stub);
  }

  private record Pending(String what, Call call) {}

  private final String protocol;
  private final String address;
  private final UnixSocketGrpc.Channel channel;
  private final ScheduledExecutorService executor;
  private final Duration deadline;
  private final Consumer<String> onFailure;
  private final Runnable onSuccess;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param onFailure told the reason when a call fails
   * @param onSuccess told when a call succeeds
   */
  MapperClient(
      String protocol,
      String address,
      ScheduledExecutorService executor,
      Duration deadline,
      Consumer<String> onFailure,
      Runnable onSuccess) {
    this.protocol = protocol;
    this.address = address;
    this.channel = UnixSocketGrpc.connect(address);
    this.executor = executor;
    this.deadline = deadline;
    this.onFailure = onFailure;
    this.onSuccess = onSuccess;
  }

  String address() {
    return address;
  }

  void registerDevice(Device device) {
    submit(
        "device/" + device.getNamespace() + "/" + device.getName(),
        "RegisterDevice " + device.getNamespace() + "/" + device.getName(),
        s -> s.registerDevice(RegisterDeviceRequest.newBuilder().setDevice(device).build()));
  }

  void updateDevice(Device device) {
    submit(
        "device/" + device.getNamespace() + "/" + device.getName(),
        "UpdateDevice " + device.getNamespace() + "/" + device.getName(),
        s -> s.updateDevice(UpdateDeviceRequest.newBuilder().setDevice(device).build()));
  }

  void removeDevice(String namespace, String name) {
    submit(
        "device/" + namespace + "/" + name,
        "RemoveDevice " + namespace + "/" + name,
        s ->
            s.removeDevice(
                RemoveDeviceRequest.newBuilder()
                    .setDeviceNamespace(namespace)
                    .setDeviceName(name)
                    .build()));
  }

  void createModel(DeviceModel model) {
    submit(
        "model/" + model.getNamespace() + "/" + model.getName(),
        "CreateDeviceModel " + model.getNamespace() + "/" + model.getName(),
        s -> s.createDeviceModel(CreateDeviceModelRequest.newBuilder().setModel(model).build()));
  }

  void updateModel(DeviceModel model) {
    submit(
        "model/" + model.getNamespace() + "/" + model.getName(),
        "UpdateDeviceModel " + model.getNamespace() + "/" + model.getName(),
        s -> s.updateDeviceModel(UpdateDeviceModelRequest.newBuilder().setModel(model).build()));
  }

  void removeModel(String namespace, String name) {
    submit(
        "model/" + namespace + "/" + name,
        "RemoveDeviceModel " + namespace + "/" + name,
        s ->
            s.removeDeviceModel(
                RemoveDeviceModelRequest.newBuilder()
                    .setModelNamespace(namespace)
                    .setModelName(name)
                    .build()));
  }

  private void submit(String key, String what, Call call) {
    Pending p = new Pending(what, call);
    pending.put(key, p);
    schedule(key, p, 0, Duration.ZERO);
  }

  private void schedule(String key, Pending p, int attempt, Duration delay) {
    if (closed) {
      return;
    }
    try {
      executor.schedule(() -> attempt(key, p, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  private void attempt(String key, Pending p, int attempt) {
    if (closed || pending.get(key) != p) {
      return; // superseded by a newer call for the same object, or closed
    }
    try {
      p.call()
          .run(
              DeviceMapperServiceGrpc.newBlockingStub(channel.channel())
                  .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
      pending.remove(key, p);
      onSuccess.run();
    } catch (StatusRuntimeException e) {
      Duration next = backoff(attempt);
      log.warn(
          "DMI {} to the {} mapper at {} failed ({}); retrying in {} s",
          p.what(),
          protocol,
          address,
          e.getStatus(),
          next.toSeconds());
      onFailure.accept(p.what() + ": " + e.getStatus());
      schedule(key, p, attempt + 1, next);
    }
  }

  static Duration backoff(int attempt) {
    long ms = FIRST_RETRY.toMillis() << Math.min(attempt, 5);
    return Duration.ofMillis(Math.min(ms, MAX_RETRY.toMillis()));
  }

  @Override
  public void close() {
    closed = true;
    pending.clear();
    channel.close();
  }
}
