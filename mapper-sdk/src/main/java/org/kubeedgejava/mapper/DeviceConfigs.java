package org.kubeedgejava.mapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kubeedgejava.dmi.CustomizedValues;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.DeviceProperty;
import org.kubeedgejava.dmi.v1beta1.ModelProperty;

/**
 * Turns a DMI Device and its DeviceModel into a {@link DeviceConfig}, validating as it goes.
 *
 * <p>A property's type and access mode come from the model. When the model has not arrived (or
 * lacks the property), the type falls back to the desired value's {@code metadata.type}, as the
 * seed's Device carries it, else STRING, and the access mode to ReadWrite; the device is restarted
 * with the model's when it comes.
 */
final class DeviceConfigs {
  static final Duration DEFAULT_COLLECT_CYCLE = Duration.ofSeconds(1);

  private DeviceConfigs() {}

  /**
   * @throws IllegalArgumentException naming the device and what is wrong
   */
  static DeviceConfig of(Device device, Optional<DeviceModel> model) {
    String id = device.getNamespace() + "/" + device.getName();
    try {
      List<PropertyConfig> properties = new ArrayList<>();
      for (DeviceProperty p : device.getSpec().getPropertiesList()) {
        properties.add(property(p, model));
      }
      return new DeviceConfig(
          device.getNamespace(),
          device.getName(),
          device.getSpec().getDeviceModelReference(),
          CustomizedValues.toJson(device.getSpec().getProtocol().getConfigData()),
          properties);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("device " + id + ": " + e.getMessage(), e);
    }
  }

  private static PropertyConfig property(DeviceProperty p, Optional<DeviceModel> model) {
    Optional<ModelProperty> declared =
        model.flatMap(m ->
            m.getSpec().getPropertiesList().stream()
                .filter(mp -> mp.getName().equals(p.getName()))
                .findFirst());
    String typeName =
        declared
            .map(ModelProperty::getType)
            .orElse(p.getDesired().getMetadataOrDefault("type", ""));
    PropertyType type;
    AccessMode access;
    try {
      type = PropertyType.parse(typeName);
      access = AccessMode.parse(declared.map(ModelProperty::getAccessMode).orElse(""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("property " + p.getName() + ": " + e.getMessage(), e);
    }
    Duration collect =
        p.getCollectCycle() > 0 ? Duration.ofMillis(p.getCollectCycle()) : DEFAULT_COLLECT_CYCLE;
    Duration report = p.getReportCycle() > 0 ? Duration.ofMillis(p.getReportCycle()) : collect;
    String desired = p.hasDesired() ? p.getDesired().getValue() : "";
    return new PropertyConfig(
        p.getName(),
        type,
        typeName.isEmpty() ? "string" : typeName,
        access,
        CustomizedValues.toJson(p.getVisitors().getConfigData()),
        collect,
        report,
        desired.isEmpty() ? Optional.empty() : Optional.of(desired));
  }
}
