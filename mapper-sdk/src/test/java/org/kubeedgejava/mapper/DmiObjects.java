package org.kubeedgejava.mapper;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.kubeedgejava.dmi.CustomizedValues;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.DeviceModelSpec;
import org.kubeedgejava.dmi.v1beta1.DeviceProperty;
import org.kubeedgejava.dmi.v1beta1.DeviceSpec;
import org.kubeedgejava.dmi.v1beta1.ModelProperty;
import org.kubeedgejava.dmi.v1beta1.ProtocolConfig;
import org.kubeedgejava.dmi.v1beta1.TwinProperty;
import org.kubeedgejava.dmi.v1beta1.VisitorConfig;

/** Builders for the DMI messages tests send, packed as edgecore packs them. */
public final class DmiObjects {
  private DmiObjects() {}

  /** A JSON object from alternating keys and values. */
  public static ObjectNode json(Object... keysAndValues) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String k = (String) keysAndValues[i];
      Object v = keysAndValues[i + 1];
      switch (v) {
        case String s -> o.put(k, s);
        case Integer n -> o.put(k, n);
        case Double d -> o.put(k, d);
        case Boolean b -> o.put(k, b);
        default -> throw new IllegalArgumentException(String.valueOf(v));
      }
    }
    return o;
  }

  /** A model with properties given as name → "type:accessMode". */
  public static DeviceModel model(String namespace, String name, Map<String, String> properties) {
    DeviceModelSpec.Builder spec = DeviceModelSpec.newBuilder();
    properties.forEach((p, typeAndMode) -> {
      String[] parts = typeAndMode.split(":");
      spec.addProperties(
          ModelProperty.newBuilder()
              .setName(p)
              .setType(parts[0])
              .setAccessMode(parts.length > 1 ? parts[1] : "ReadWrite"));
    });
    return DeviceModel.newBuilder().setNamespace(namespace).setName(name).setSpec(spec).build();
  }

  /** A device of {@code protocol} with its protocol configData. */
  public static Device.Builder device(
      String namespace, String name, String model, String protocol, ObjectNode protocolConfig) {
    return Device.newBuilder()
        .setNamespace(namespace)
        .setName(name)
        .setSpec(
            DeviceSpec.newBuilder()
                .setDeviceModelReference(model)
                .setProtocol(
                    ProtocolConfig.newBuilder()
                        .setProtocolName(protocol)
                        .setConfigData(CustomizedValues.fromJson(protocolConfig))));
  }

  /** A property with its visitor configData, cycles in ms (0: default) and desired value. */
  public static DeviceProperty property(
      String name, String protocol, ObjectNode visitor, long cycleMillis, String desired) {
    DeviceProperty.Builder p =
        DeviceProperty.newBuilder()
            .setName(name)
            .setCollectCycle(cycleMillis)
            .setReportCycle(cycleMillis)
            .setVisitors(
                VisitorConfig.newBuilder()
                    .setProtocolName(protocol)
                    .setConfigData(CustomizedValues.fromJson(visitor)));
    if (desired != null) {
      p.setDesired(TwinProperty.newBuilder().setValue(desired));
    }
    return p.build();
  }
}
