package org.kubeedgejava.mapper;

import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.kubeedgejava.dmi.UnixSocketGrpc;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceManagerServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceMapperServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterRequest;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterResponse;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatesRequest;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatesResponse;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatusRequest;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatusResponse;
import org.kubeedgejava.dmi.v1beta1.Twin;

/**
 * edgecore's side of DMI, in process, on a real Unix socket: answers MapperRegister with the
 * devices and models it was given, records every report, and calls the mapper back on the address
 * it registered. {@link #stop} and {@link #start} simulate an edgecore restart.
 *
 * <p>Threading: safe for use from the test thread while gRPC threads record.
 */
public final class FakeDeviceManager implements AutoCloseable {
  private final Path socket;
  private final List<DeviceModel> models = new CopyOnWriteArrayList<>();
  private final List<Device> devices = new CopyOnWriteArrayList<>();
  private final List<MapperRegisterRequest> registrations = new CopyOnWriteArrayList<>();
  private final List<ReportDeviceStatusRequest> statusReports = new CopyOnWriteArrayList<>();
  private final List<ReportDeviceStatesRequest> stateReports = new CopyOnWriteArrayList<>();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private UnixSocketGrpc.Serving serving;
  private UnixSocketGrpc.Channel toMapper;

  public FakeDeviceManager(Path socket) {
    this.socket = socket;
  }

  /** The devices and models the next MapperRegister answers with. */
  public FakeDeviceManager with(List<DeviceModel> models, List<Device> devices) {
    this.models.clear();
    this.models.addAll(models);
    this.devices.clear();
    this.devices.addAll(devices);
    return this;
  }

  public synchronized FakeDeviceManager start() {
    serving = UnixSocketGrpc.serve(socket, executor, List.of(new Service()));
    return this;
  }

  public synchronized void stop() {
    if (serving != null) {
      serving.close();
      serving = null;
    }
  }

  public Path socket() {
    return socket;
  }

  public List<MapperRegisterRequest> registrations() {
    return List.copyOf(registrations);
  }

  public List<ReportDeviceStatesRequest> stateReports() {
    return List.copyOf(stateReports);
  }

  public List<ReportDeviceStatusRequest> statusReports() {
    return List.copyOf(statusReports);
  }

  /** The state most recently reported for a device. */
  public Optional<String> lastState(String namespace, String name) {
    List<ReportDeviceStatesRequest> all = new ArrayList<>(stateReports);
    for (int i = all.size() - 1; i >= 0; i--) {
      ReportDeviceStatesRequest r = all.get(i);
      if (r.getDeviceNamespace().equals(namespace) && r.getDeviceName().equals(name)) {
        return Optional.of(r.getState());
      }
    }
    return Optional.empty();
  }

  /** The twin most recently reported for a device's property. */
  public Optional<Twin> lastTwin(String namespace, String name, String property) {
    List<ReportDeviceStatusRequest> all = new ArrayList<>(statusReports);
    for (int i = all.size() - 1; i >= 0; i--) {
      ReportDeviceStatusRequest r = all.get(i);
      if (r.getDeviceNamespace().equals(namespace) && r.getDeviceName().equals(name)) {
        for (Twin t : r.getReportedDevice().getTwinsList()) {
          if (t.getPropertyName().equals(property)) {
            return Optional.of(t);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The reported value most recently reported for a property, if any. */
  public Optional<String> lastReported(String namespace, String name, String property) {
    return lastTwin(namespace, name, property)
        .filter(Twin::hasReported)
        .map(t -> t.getReported().getValue());
  }

  /** A stub for the mapper that registered last, as edgecore would call it. */
  public synchronized DeviceMapperServiceGrpc.DeviceMapperServiceBlockingStub mapper() {
    if (toMapper == null) {
      MapperRegisterRequest last = registrations.getLast();
      toMapper = UnixSocketGrpc.connect(last.getMapper().getAddress().toStringUtf8());
    }
    return DeviceMapperServiceGrpc.newBlockingStub(toMapper.channel());
  }

  @Override
  public synchronized void close() {
    stop();
    if (toMapper != null) {
      toMapper.close();
    }
    executor.shutdownNow();
  }

  private final class Service extends DeviceManagerServiceGrpc.DeviceManagerServiceImplBase {
    @Override
    public void mapperRegister(
        MapperRegisterRequest request, StreamObserver<MapperRegisterResponse> response) {
      registrations.add(request);
      response.onNext(
          MapperRegisterResponse.newBuilder()
              .addAllModelList(models)
              .addAllDeviceList(devices)
              .build());
      response.onCompleted();
    }

    @Override
    public void reportDeviceStatus(
        ReportDeviceStatusRequest request, StreamObserver<ReportDeviceStatusResponse> response) {
      statusReports.add(request);
      response.onNext(ReportDeviceStatusResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void reportDeviceStates(
        ReportDeviceStatesRequest request, StreamObserver<ReportDeviceStatesResponse> response) {
      stateReports.add(request);
      response.onNext(ReportDeviceStatesResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
