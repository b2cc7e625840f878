package org.kubeedgejava.edgecore.devicetwin;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kubeedgejava.dmi.v1beta1.DeviceManagerServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterRequest;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterResponse;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatesRequest;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatesResponse;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatusRequest;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatusResponse;

/**
 * edgecore's {@code DeviceManagerService}, the DMI server mappers call. Every call first takes a
 * token from a bucket (burst 100, like upstream's); without one it fails with RESOURCE_EXHAUSTED,
 * so a mapper that floods learns it instead of losing reports silently. A report for a device this
 * node does not have fails with NOT_FOUND.
 *
 * <p>Threading: runs on the gRPC server's executor; the work itself is done on DeviceTwin's thread
 * and awaited here (10 s at most).
 */
final class DmiServer extends DeviceManagerServiceGrpc.DeviceManagerServiceImplBase {
  /** What the server asks of DeviceTwin; each completes on DeviceTwin's thread. */
  interface Handler {
    CompletableFuture<MapperRegisterResponse> register(MapperRegisterRequest request);

    /** Completes exceptionally with a {@link StatusException} (NOT_FOUND, INVALID_ARGUMENT). */
    CompletableFuture<Void> reportStatus(ReportDeviceStatusRequest request);

    CompletableFuture<Void> reportStates(ReportDeviceStatesRequest request);
  }

  private final Handler handler;
  private final TokenBucket limiter;

  DmiServer(Handler handler, TokenBucket limiter) {
    this.handler = handler;
    this.limiter = limiter;
  }

  @Override
  public void mapperRegister(
      MapperRegisterRequest request, StreamObserver<MapperRegisterResponse> response) {
    answer(() -> handler.register(request), response);
  }

  @Override
  public void reportDeviceStatus(
      ReportDeviceStatusRequest request, StreamObserver<ReportDeviceStatusResponse> response) {
    answer(
        () ->
            handler
                .reportStatus(request)
                .thenApply(v -> ReportDeviceStatusResponse.getDefaultInstance()),
        response);
  }

  @Override
  public void reportDeviceStates(
      ReportDeviceStatesRequest request, StreamObserver<ReportDeviceStatesResponse> response) {
    answer(
        () ->
            handler
                .reportStates(request)
                .thenApply(v -> ReportDeviceStatesResponse.getDefaultInstance()),
        response);
  }

  private <T> void answer(
      java.util.function.Supplier<CompletableFuture<T>> work, StreamObserver<T> response) {
    if (!limiter.tryAcquire()) {
      response.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription("too many DMI calls: edgecore's rate limit (burst 100) is exhausted")
              .asRuntimeException());
      return;
    }
    try {
      T value = work.get().get(10, TimeUnit.SECONDS);
      response.onNext(value);
      response.onCompleted();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      response.onError(
          cause instanceof StatusException s
              ? s
              : cause instanceof io.grpc.StatusRuntimeException r
                  ? r
                  : Status.INTERNAL.withDescription(String.valueOf(cause)).asRuntimeException());
    } catch (TimeoutException e) {
      response.onError(
          Status.UNAVAILABLE.withDescription("edgecore is busy; try again").asRuntimeException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
    }
  }
}
