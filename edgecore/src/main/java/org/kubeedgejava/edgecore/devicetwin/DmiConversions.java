package org.kubeedgejava.edgecore.devicetwin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.Function;
import org.kubeedgejava.dmi.CustomizedValues;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceMethod;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.DeviceModelSpec;
import org.kubeedgejava.dmi.v1beta1.DeviceProperty;
import org.kubeedgejava.dmi.v1beta1.DeviceSpec;
import org.kubeedgejava.dmi.v1beta1.ModelProperty;
import org.kubeedgejava.dmi.v1beta1.ProtocolConfig;
import org.kubeedgejava.dmi.v1beta1.PushMethod;
import org.kubeedgejava.dmi.v1beta1.PushMethodHTTP;
import org.kubeedgejava.dmi.v1beta1.PushMethodMQTT;
import org.kubeedgejava.dmi.v1beta1.PushMethodOTEL;
import org.kubeedgejava.dmi.v1beta1.TwinProperty;
import org.kubeedgejava.dmi.v1beta1.VisitorConfig;

/**
 * devices.kubeedge.io/v1beta1 objects (JSON, as stored in {@code meta}) to DMI protos, as edgecore
 * hands them to mappers. {@code configData} objects become {@code CustomizedValue}s ({@link
 * CustomizedValues}); {@code deviceModelReference} is {@code spec.deviceModelRef.name}. The desired
 * value of each property is the edge's current one (which may be a local write, or the last valid
 * value when the cloud's was refused). Stateless.
 */
final class DmiConversions {
  private DmiConversions() {}

  /**
   * @param desired the edge's desired value of a property, or null to leave it out
   */
  static Device device(JsonNode object, Function<String, String> desired) {
    JsonNode meta = object.path("metadata");
    JsonNode spec = object.path("spec");
    DeviceSpec.Builder s =
        DeviceSpec.newBuilder()
            .setDeviceModelReference(spec.path("deviceModelRef").path("name").asText(""));
    JsonNode protocol = spec.path("protocol");
    if (protocol.isObject()) {
      s.setProtocol(
          ProtocolConfig.newBuilder()
              .setProtocolName(protocol.path("protocolName").asText(""))
              .setConfigData(CustomizedValues.fromJson(protocol.get("configData"))));
    }
    for (JsonNode p : spec.path("properties")) {
      String name = p.path("name").asText("");
      DeviceProperty.Builder b =
          DeviceProperty.newBuilder()
              .setName(name)
              .setReportCycle(p.path("reportCycle").asLong(0))
              .setCollectCycle(p.path("collectCycle").asLong(0))
              .setReportToCloud(p.path("reportToCloud").asBoolean(false));
      String value = desired.apply(name);
      if (value != null || p.has("desired")) {
        TwinProperty.Builder d = TwinProperty.newBuilder();
        if (value != null) {
          d.setValue(value);
        }
        for (Map.Entry<String, JsonNode> m : p.path("desired").path("metadata").properties()) {
          d.putMetadata(m.getKey(), m.getValue().asText());
        }
        b.setDesired(d);
      }
      JsonNode visitors = p.path("visitors");
      if (visitors.isObject()) {
        b.setVisitors(
            VisitorConfig.newBuilder()
                .setProtocolName(visitors.path("protocolName").asText(""))
                .setConfigData(CustomizedValues.fromJson(visitors.get("configData"))));
      }
      JsonNode push = p.path("pushMethod");
      if (push.isObject()) {
        b.setPushMethod(pushMethod(push));
      }
      s.addProperties(b);
    }
    for (JsonNode m : spec.path("methods")) {
      DeviceMethod.Builder b =
          DeviceMethod.newBuilder()
              .setName(m.path("name").asText(""))
              .setDescription(m.path("description").asText(""));
      m.path("propertyNames").forEach(n -> b.addPropertyNames(n.asText()));
      s.addMethods(b);
    }
    return Device.newBuilder()
        .setName(meta.path("name").asText(""))
        .setNamespace(meta.path("namespace").asText("default"))
        .setSpec(s)
        .build();
  }

  static DeviceModel model(JsonNode object) {
    JsonNode meta = object.path("metadata");
    DeviceModelSpec.Builder s = DeviceModelSpec.newBuilder();
    for (JsonNode p : object.path("spec").path("properties")) {
      s.addProperties(
          ModelProperty.newBuilder()
              .setName(p.path("name").asText(""))
              .setDescription(p.path("description").asText(""))
              .setType(p.path("type").asText(""))
              .setAccessMode(p.path("accessMode").asText(""))
              .setMinimum(p.path("minimum").asText(""))
              .setMaximum(p.path("maximum").asText(""))
              .setUnit(p.path("unit").asText("")));
    }
    return DeviceModel.newBuilder()
        .setName(meta.path("name").asText(""))
        .setNamespace(meta.path("namespace").asText("default"))
        .setSpec(s)
        .build();
  }

  private static PushMethod pushMethod(JsonNode push) {
    PushMethod.Builder b = PushMethod.newBuilder();
    JsonNode http = push.path("http");
    if (http.isObject()) {
      b.setHttp(
          PushMethodHTTP.newBuilder()
              .setHostname(http.path("hostName").asText(""))
              .setPort(http.path("port").asLong(0))
              .setRequestpath(http.path("requestPath").asText(""))
              .setTimeout(http.path("timeout").asLong(0)));
    }
    JsonNode mqtt = push.path("mqtt");
    if (mqtt.isObject()) {
      b.setMqtt(
          PushMethodMQTT.newBuilder()
              .setAddress(mqtt.path("address").asText(""))
              .setTopic(mqtt.path("topic").asText(""))
              .setQos(mqtt.path("qos").asInt(0))
              .setRetained(mqtt.path("retained").asBoolean(false)));
    }
    JsonNode otel = push.path("otel");
    if (otel.isObject()) {
      b.setOtel(PushMethodOTEL.newBuilder().setEndpointURL(otel.path("endpointURL").asText("")));
    }
    return b.build();
  }
}
