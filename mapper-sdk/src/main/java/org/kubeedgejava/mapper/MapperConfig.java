package org.kubeedgejava.mapper;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a mapper runs. Start from {@link #defaults} and change what differs with the {@code with…}
 * methods.
 *
 * @param name the mapper's name, sent in MapperRegister
 * @param version the mapper's version, sent in MapperRegister
 * @param socket where the mapper serves DeviceMapperService (upstream: {@code
 *     /etc/kubeedge/<name>.sock})
 * @param edgecoreSocket edgecore's DeviceManagerService socket ({@code /etc/kubeedge/dmi.sock})
 * @param registerBackoff the wait between MapperRegister attempts while edgecore is not there
 * @param reconnectBackoff the wait between a failed device's reconnect attempts
 * @param rpcTimeout the deadline of each call to edgecore
 * @param clock the source of report timestamps
 */
public record MapperConfig(
    String name,
    String version,
    Path socket,
    String edgecoreSocket,
    Backoff registerBackoff,
    Backoff reconnectBackoff,
    Duration rpcTimeout,
    Clock clock) {

  /** edgecore's DMI socket, as upstream's edgecore serves it. */
  public static final String DEFAULT_EDGECORE_SOCKET = "/etc/kubeedge/dmi.sock";

  public MapperConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(edgecoreSocket, "edgecoreSocket");
    Objects.requireNonNull(registerBackoff, "registerBackoff");
    Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
    Objects.requireNonNull(clock, "clock");
    if (name.isBlank() || edgecoreSocket.isBlank()) {
      throw new IllegalArgumentException("a mapper needs a name and edgecore's socket path");
    }
    if (!rpcTimeout.isPositive()) {
      throw new IllegalArgumentException("rpcTimeout must be positive, got " + rpcTimeout);
    }
  }

  /**
   * {@code name} serving on {@code /etc/kubeedge/<name>.sock}, registering at {@link
   * #DEFAULT_EDGECORE_SOCKET}; register back-off 1 s to 30 s, reconnect back-off 1 s to 60 s, 5 s
   * calls, UTC.
   */
  public static MapperConfig defaults(String name, String version) {
    return new MapperConfig(
        name,
        version,
        Path.of("/etc/kubeedge", name + ".sock"),
        DEFAULT_EDGECORE_SOCKET,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)),
        Duration.ofSeconds(5),
        Clock.systemUTC());
  }

  public MapperConfig withSockets(Path socket, String edgecoreSocket) {
    return new MapperConfig(
        name,
        version,
        socket,
        edgecoreSocket,
        registerBackoff,
        reconnectBackoff,
        rpcTimeout,
        clock);
  }

  public MapperConfig withBackoff(Backoff register, Backoff reconnect) {
    return new MapperConfig(
        name, version, socket, edgecoreSocket, register, reconnect, rpcTimeout, clock);
  }

  public MapperConfig withClock(Clock clock) {
    return new MapperConfig(
        name,
        version,
        socket,
        edgecoreSocket,
        registerBackoff,
        reconnectBackoff,
        rpcTimeout,
        clock);
  }
}
