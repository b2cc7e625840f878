package org.kubeedgejava.mapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The protocol {@code fake}: each device is an in-memory table of values by the visitor's {@code
 * address}; a device can be switched off (I/O errors) and addresses can refuse (a protocol error).
 * The protocol configData must hold {@code host}.
 */
final class FakeDrivers implements DriverFactory {
  /** One fake device's memory, shared by its drivers. */
  static final class FakePlc {
    final Map<String, Object> values = new ConcurrentHashMap<>();
    final List<String> refused = new CopyOnWriteArrayList<>();
    final List<Object> writes = new CopyOnWriteArrayList<>();
    final AtomicInteger connects = new AtomicInteger();
    volatile boolean down;
  }

  private final Map<String, FakePlc> plcs = new ConcurrentHashMap<>();

  FakePlc plc(String host) {
    return plcs.computeIfAbsent(host, h -> new FakePlc());
  }

  @Override
  public String protocol() {
    return "fake";
  }

  @Override
  public DeviceDriver create(DeviceConfig device) {
    if (!device.protocol().path("host").isTextual()) {
      throw new IllegalArgumentException("protocol configData needs host");
    }
    for (PropertyConfig p : device.properties()) {
      if (!p.visitor().path("address").isTextual()) {
        throw new IllegalArgumentException("property " + p.name() + " needs an address");
      }
    }
    FakePlc plc = plc(device.protocol().get("host").asText());
    return new DeviceDriver() {
      @Override
      public void connect() throws IOException {
        plc.connects.incrementAndGet();
        if (plc.down) {
          throw new IOException("connection refused");
        }
      }

      @Override
      public Object read(PropertyConfig property) throws IOException, DeviceException {
        String address = check(property);
        Object v = plc.values.get(address);
        if (v == null) {
          throw new DeviceException("NO_SUCH_ADDRESS", "no value at " + address);
        }
        return v;
      }

      @Override
      public void write(PropertyConfig property, Object value) throws IOException, DeviceException {
        String address = check(property);
        plc.writes.add(value);
        plc.values.put(address, value);
      }

      private String check(PropertyConfig property) throws IOException, DeviceException {
        if (plc.down) {
          throw new IOException("connection reset");
        }
        String address = property.visitor().get("address").asText();
        if (plc.refused.contains(address)) {
          throw new DeviceException("REFUSED", "address " + address + " refused");
        }
        return address;
      }

      @Override
      public void disconnect() {}
    };
  }
}
