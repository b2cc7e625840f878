package org.kubeedgejava.mapper;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One property of a device, as the mapper runs it: the Device's property merged with its
 * DeviceModel's.
 *
 * @param name the property name
 * @param type how its value converts (the model's {@code type})
 * @param modelType the model's {@code type} as written there, reported in twin metadata
 * @param accessMode the model's {@code accessMode}; ReadOnly properties are never written
 * @param visitor the visitor {@code configData} (protocol-specific: for Modbus register, offset…)
 * @param collectCycle how often it is read from the device
 * @param reportCycle how often its latest value is reported to edgecore
 * @param desired the desired value, when the Device has one
 */
public record PropertyConfig(
    String name,
    PropertyType type,
    String modelType,
    AccessMode accessMode,
    ObjectNode visitor,
    Duration collectCycle,
    Duration reportCycle,
    Optional<String> desired) {

  public PropertyConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(modelType, "modelType");
    Objects.requireNonNull(accessMode, "accessMode");
    Objects.requireNonNull(visitor, "visitor");
    Objects.requireNonNull(desired, "desired");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a property has no name");
    }
    if (!collectCycle.isPositive() || !reportCycle.isPositive()) {
      throw new IllegalArgumentException(
          "property " + name + ": collectCycle and reportCycle must be positive");
    }
    visitor = visitor.deepCopy();
  }

  /** This property without its desired value: what decides whether a device must restart. */
  PropertyConfig withoutDesired() {
    return new PropertyConfig(
        name, type, modelType, accessMode, visitor, collectCycle, reportCycle, Optional.empty());
  }

  @Override
  public ObjectNode visitor() {
    return visitor.deepCopy();
  }
}
