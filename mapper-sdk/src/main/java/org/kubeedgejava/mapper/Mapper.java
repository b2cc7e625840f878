package org.kubeedgejava.mapper;

import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kubeedgejava.dmi.UnixSocketGrpc;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.MapperInfo;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running mapper: serves DeviceMapperService on its socket, registers with edgecore and runs the
 * devices edgecore gives it.
 *
 * <pre>{@code
 * try (Mapper mapper = Mapper.start(MapperConfig.defaults("modbus", "1.0"), new ModbusDrivers())) {
 *   mapper.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Registration: {@code MapperRegister{withData: true}} is retried with back-off until edgecore
 * answers; the devices and models in the answer replace the mapper's. A report that finds edgecore
 * gone (restarted) triggers registration again, the same way.
 *
 * <p>Threading: one {@code mapper-register} thread registers; gRPC requests from edgecore run on
 * virtual threads; each device runs on its own virtual thread (see {@link DeviceRunner}).
 */
public final class Mapper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mapper.class);

  /** The DMI API version this SDK speaks. */
  public static final String API_VERSION = "v1beta1";

  /** The mapper state sent in MapperRegister, as upstream's mappers send it. */
  static final String MAPPER_STATE_OK = "ok";

  private final MapperConfig config;
  private final DriverFactory factory;
  private final EdgecoreClient edgecore;
  private final DeviceCatalog catalog;
  private final ExecutorService requests;
  private final UnixSocketGrpc.Serving serving;
  private final ScheduledExecutorService registrar;
  private final Random random = new Random();

  // --- registration state, only touched on registrar (except the flags) ---
  private final AtomicBoolean registrationPending = new AtomicBoolean();
  private volatile boolean registered;
  private int registerAttempt;
  private volatile boolean closed;

  private Mapper(MapperConfig config, DriverFactory factory) {
    this.config = config;
    this.factory = factory;
    this.edgecore = new EdgecoreClient(config.edgecoreSocket(), config.rpcTimeout(), this::lost);
    this.catalog = new DeviceCatalog(factory, edgecore, config, random);
    this.requests = Executors.newVirtualThreadPerTaskExecutor();
    this.registrar =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "mapper-register");
          t.setDaemon(true);
          return t;
        });
    UnixSocketGrpc.Serving s;
    try {
      s = UnixSocketGrpc.serve(config.socket(), requests, List.of(new MapperService(catalog)));
    } catch (RuntimeException e) {
      edgecore.close();
      requests.shutdownNow();
      registrar.shutdownNow();
      throw e;
    }
    this.serving = s;
  }

  /**
   * Serves on {@code config.socket()} and starts registering with edgecore; returns at once.
   *
   * @throws java.io.UncheckedIOException when the socket cannot be served
   */
  public static Mapper start(MapperConfig config, DriverFactory factory) {
    Mapper mapper = new Mapper(config, factory);
    log.info(
        "mapper {} ({}) serving on {}, registering with edgecore at {}",
        config.name(),
        factory.protocol(),
        config.socket(),
        config.edgecoreSocket());
    mapper.lost();
    return mapper;
  }

  /** Whether edgecore has accepted the latest registration. */
  public boolean registered() {
    return registered;
  }

  /** A device's state, when the mapper runs it. */
  public Optional<DeviceState> deviceState(String namespace, String name) {
    return catalog.state(namespace, name);
  }

  /** A device with the mapper's latest twins as its status, when the mapper has it. */
  public Optional<Device> device(String namespace, String name) {
    return catalog.device(namespace, name);
  }

  /** Blocks until {@link #close}. */
  public void awaitTermination() throws InterruptedException {
    serving.server().awaitTermination();
  }

  /** edgecore is not there (yet, or any more): register, now or after the back-off. */
  private void lost() {
    registered = false;
    if (closed || !registrationPending.compareAndSet(false, true)) {
      return;
    }
    submitRegistration(Duration.ZERO);
  }

  private void submitRegistration(Duration delay) {
    try {
      registrar.schedule(this::register, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile
    }
  }

  private void register() {
    if (closed) {
      return;
    }
    MapperInfo info =
        MapperInfo.newBuilder()
            .setName(config.name())
            .setVersion(config.version())
            .setApiVersion(API_VERSION)
            .setProtocol(factory.protocol())
            .setAddress(
                com.google.protobuf.ByteString.copyFrom(
                    config.socket().toAbsolutePath().toString(), StandardCharsets.UTF_8))
            .setState(MAPPER_STATE_OK)
            .build();
    MapperRegisterResponse answer;
    try {
      answer = edgecore.register(info);
    } catch (StatusRuntimeException e) {
      Duration wait = config.registerBackoff().delay(registerAttempt++, random);
      log.warn(
          "cannot register with edgecore at {} ({}); retrying in {} ms",
          config.edgecoreSocket(),
          brief(e.getStatus()),
          wait.toMillis());
      submitRegistration(wait);
      return;
    }
    registerAttempt = 0;
    // reports failing from here on ask for a new registration
    registrationPending.set(false);
    registered = true;
    log.info(
        "registered with edgecore: {} devices, {} models",
        answer.getDeviceListCount(),
        answer.getModelListCount());
    catalog.replaceAll(answer.getModelListList(), answer.getDeviceListList());
  }

  /** A status on one line: its code, description and the cause's message, no stack trace. */
  static String brief(io.grpc.Status status) {
    StringBuilder b = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      b.append(": ").append(status.getDescription());
    }
    if (status.getCause() != null) {
      b.append(" (").append(status.getCause().getMessage()).append(')');
    }
    return b.toString();
  }

  @Override
  public void close() {
    closed = true;
    registrar.shutdownNow();
    serving.close();
    catalog.stopAll();
    requests.shutdownNow();
    edgecore.close();
  }
}
