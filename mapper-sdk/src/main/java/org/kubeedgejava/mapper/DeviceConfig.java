package org.kubeedgejava.mapper;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One device as the mapper runs it.
 *
 * @param namespace the Device's namespace
 * @param name the Device's name
 * @param model the DeviceModel's name, empty when the Device names none
 * @param protocol the protocol {@code configData} (for Modbus TCP: ip, port, slaveID)
 * @param properties its properties, names unique
 */
public record DeviceConfig(
    String namespace,
    String name,
    String model,
    ObjectNode protocol,
    List<PropertyConfig> properties) {

  public DeviceConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(protocol, "protocol");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a device has no name");
    }
    properties = List.copyOf(properties);
    var seen = new HashSet<String>();
    for (PropertyConfig p : properties) {
      if (!seen.add(p.name())) {
        throw new IllegalArgumentException(
            "device " + namespace + "/" + name + " has property " + p.name() + " twice");
      }
    }
    protocol = protocol.deepCopy();
  }

  /** {@code namespace/name}, the device's id on the DMI and EventBus paths. */
  public String id() {
    return namespace + "/" + name;
  }

  /** The property named {@code name}. */
  public Optional<PropertyConfig> property(String name) {
    return properties.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  @Override
  public ObjectNode protocol() {
    return protocol.deepCopy();
  }

  /** This device without desired values: equal ones can keep running across an update. */
  DeviceConfig withoutDesired() {
    return new DeviceConfig(
        namespace,
        name,
        model,
        protocol,
        properties.stream().map(PropertyConfig::withoutDesired).toList());
  }
}
