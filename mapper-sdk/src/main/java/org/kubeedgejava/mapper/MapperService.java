package org.kubeedgejava.mapper;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.kubeedgejava.dmi.v1beta1.CreateDeviceModelRequest;
import org.kubeedgejava.dmi.v1beta1.CreateDeviceModelResponse;
import org.kubeedgejava.dmi.v1beta1.DeviceMapperServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.GetDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.GetDeviceResponse;
import org.kubeedgejava.dmi.v1beta1.RegisterDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.RegisterDeviceResponse;
import org.kubeedgejava.dmi.v1beta1.RemoveDeviceModelRequest;
import org.kubeedgejava.dmi.v1beta1.RemoveDeviceModelResponse;
import org.kubeedgejava.dmi.v1beta1.RemoveDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.RemoveDeviceResponse;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceModelRequest;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceModelResponse;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceResponse;

/**
 * The mapper's DeviceMapperService, which edgecore calls as the cloud changes devices and models.
 * An invalid device is answered INVALID_ARGUMENT with the reason and not started; an unknown one in
 * GetDevice NOT_FOUND.
 *
 * <p>Threading: gRPC calls it on the server's executor, concurrently; the {@link DeviceCatalog}
 * serializes them.
 */
final class MapperService extends DeviceMapperServiceGrpc.DeviceMapperServiceImplBase {
  private final DeviceCatalog catalog;

  MapperService(DeviceCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void registerDevice(
      RegisterDeviceRequest request, StreamObserver<RegisterDeviceResponse> response) {
    answer(
        response,
        () -> {
          catalog.putDevice(request.getDevice());
          return RegisterDeviceResponse.newBuilder()
              .setDeviceName(request.getDevice().getName())
              .setDeviceNamespace(request.getDevice().getNamespace())
              .build();
        });
  }

  @Override
  public void updateDevice(
      UpdateDeviceRequest request, StreamObserver<UpdateDeviceResponse> response) {
    answer(
        response,
        () -> {
          catalog.putDevice(request.getDevice());
          return UpdateDeviceResponse.getDefaultInstance();
        });
  }

  @Override
  public void removeDevice(
      RemoveDeviceRequest request, StreamObserver<RemoveDeviceResponse> response) {
    answer(
        response,
        () -> {
          catalog.removeDevice(request.getDeviceNamespace(), request.getDeviceName());
          return RemoveDeviceResponse.getDefaultInstance();
        });
  }

  @Override
  public void createDeviceModel(
      CreateDeviceModelRequest request, StreamObserver<CreateDeviceModelResponse> response) {
    answer(
        response,
        () -> {
          catalog.putModel(request.getModel());
          return CreateDeviceModelResponse.newBuilder()
              .setDeviceModelName(request.getModel().getName())
              .setDeviceModelNamespace(request.getModel().getNamespace())
              .build();
        });
  }

  @Override
  public void updateDeviceModel(
      UpdateDeviceModelRequest request, StreamObserver<UpdateDeviceModelResponse> response) {
    answer(
        response,
        () -> {
          catalog.putModel(request.getModel());
          return UpdateDeviceModelResponse.getDefaultInstance();
        });
  }

  @Override
  public void removeDeviceModel(
      RemoveDeviceModelRequest request, StreamObserver<RemoveDeviceModelResponse> response) {
    answer(
        response,
        () -> {
          catalog.removeModel(request.getModelNamespace(), request.getModelName());
          return RemoveDeviceModelResponse.getDefaultInstance();
        });
  }

  @Override
  public void getDevice(GetDeviceRequest request, StreamObserver<GetDeviceResponse> response) {
    var device = catalog.device(request.getDeviceNamespace(), request.getDeviceName());
    if (device.isEmpty()) {
      response.onError(
          Status.NOT_FOUND
              .withDescription(
                  "no device " + request.getDeviceNamespace() + "/" + request.getDeviceName())
              .asRuntimeException());
      return;
    }
    response.onNext(GetDeviceResponse.newBuilder().setDevice(device.get()).build());
    response.onCompleted();
  }

  private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (IllegalArgumentException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
