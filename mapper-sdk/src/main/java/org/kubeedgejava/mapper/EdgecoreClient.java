package org.kubeedgejava.mapper;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.dmi.UnixSocketGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceManagerServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceStatus;
import org.kubeedgejava.dmi.v1beta1.MapperInfo;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterRequest;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterResponse;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatesRequest;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatusRequest;
import org.kubeedgejava.dmi.v1beta1.Twin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mapper's client of edgecore's DeviceManagerService. A report that finds edgecore gone
 * (UNAVAILABLE, or UNIMPLEMENTED/NOT_FOUND from a restarted edgecore that forgot us) calls {@code
 * onLost}, which makes the mapper register again.
 *
 * <p>Threading: safe for concurrent use (one gRPC channel); calls block the calling thread for at
 * most the configured deadline.
 */
final class EdgecoreClient implements Reporter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgecoreClient.class);

  private final UnixSocketGrpc.Channel channel;
  private final DeviceManagerServiceGrpc.DeviceManagerServiceBlockingStub stub;
  private final Duration deadline;
  private final Runnable onLost;

  EdgecoreClient(String socket, Duration deadline, Runnable onLost) {
    this.channel = UnixSocketGrpc.connect(socket);
    this.stub = DeviceManagerServiceGrpc.newBlockingStub(channel.channel());
    this.deadline = deadline;
    this.onLost = onLost;
  }

  /**
   * Registers the mapper and returns edgecore's devices and models for it.
   *
   * @throws StatusRuntimeException when edgecore is not there or refuses
   */
  MapperRegisterResponse register(MapperInfo mapper) {
    return stub()
        .mapperRegister(
            MapperRegisterRequest.newBuilder().setWithData(true).setMapper(mapper).build());
  }

  @Override
  public boolean status(String namespace, String name, List<Twin> twins) {
    try {
      stub()
          .reportDeviceStatus(
              ReportDeviceStatusRequest.newBuilder()
                  .setDeviceNamespace(namespace)
                  .setDeviceName(name)
                  .setReportedDevice(DeviceStatus.newBuilder().addAllTwins(twins))
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      failed("ReportDeviceStatus", namespace, name, e);
      return false;
    }
  }

  @Override
  public boolean state(String namespace, String name, String state) {
    try {
      stub()
          .reportDeviceStates(
              ReportDeviceStatesRequest.newBuilder()
                  .setDeviceNamespace(namespace)
                  .setDeviceName(name)
                  .setState(state)
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      failed("ReportDeviceStates", namespace, name, e);
      return false;
    }
  }

  private DeviceManagerServiceGrpc.DeviceManagerServiceBlockingStub stub() {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void failed(String call, String namespace, String name, StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    log.debug("{} for {}/{} failed: {}", call, namespace, name, Mapper.brief(e.getStatus()));
    if (code == Status.Code.UNAVAILABLE
        || code == Status.Code.UNIMPLEMENTED
        || code == Status.Code.NOT_FOUND) {
      onLost.run();
    }
  }

  @Override
  public void close() {
    channel.close();
  }
}
