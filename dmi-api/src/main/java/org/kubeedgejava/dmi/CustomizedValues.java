package org.kubeedgejava.dmi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import java.util.Map;
import org.kubeedgejava.dmi.v1beta1.CustomizedValue;

/**
 * Converts a CRD's free-form {@code configData} object to DMI's {@link CustomizedValue} and back.
 *
 * <p>Encoding follows KubeEdge's edgecore, so its mappers read ours: a string becomes a {@link
 * StringValue}, a number a {@link FloatValue} (KubeEdge decodes JSON numbers as float64 and packs
 * them as float), a boolean a {@link BoolValue}. Nested objects and arrays are packed as a {@link
 * StringValue} holding their JSON, where KubeEdge gives up. Decoding accepts every protobuf wrapper
 * type, so mappers that pack integers as Int32Value/Int64Value are understood too; a float that
 * holds a whole number decodes as an integer ({@code 502.0f} → {@code 502}).
 */
public final class CustomizedValues {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private CustomizedValues() {}

  /**
   * {@code object}'s fields as wrappers; null, missing or non-object input gives an empty value.
   */
  public static CustomizedValue fromJson(JsonNode object) {
    CustomizedValue.Builder builder = CustomizedValue.newBuilder();
    if (object == null || !object.isObject()) {
      return builder.build();
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      JsonNode v = field.getValue();
      Any packed;
      if (v.isTextual()) {
        packed = Any.pack(StringValue.of(v.textValue()));
      } else if (v.isBoolean()) {
        packed = Any.pack(BoolValue.of(v.booleanValue()));
      } else if (v.isNumber()) {
        packed = Any.pack(FloatValue.of(v.floatValue()));
      } else if (v.isNull()) {
        continue;
      } else {
        packed = Any.pack(StringValue.of(v.toString()));
      }
      builder.putData(field.getKey(), packed);
    }
    return builder.build();
  }

  /** The wrappers as a JSON object; values of an unknown type are left out. */
  public static ObjectNode toJson(CustomizedValue value) {
    ObjectNode out = JSON.objectNode();
    for (Map.Entry<String, Any> e : value.getDataMap().entrySet()) {
      JsonNode v = decode(e.getValue());
      if (v != null) {
        out.set(e.getKey(), v);
      }
    }
    return out;
  }

  private static JsonNode decode(Any any) {
    try {
      if (any.is(StringValue.class)) {
        return JSON.textNode(any.unpack(StringValue.class).getValue());
      }
      if (any.is(BoolValue.class)) {
        return JSON.booleanNode(any.unpack(BoolValue.class).getValue());
      }
      if (any.is(Int32Value.class)) {
        return JSON.numberNode(any.unpack(Int32Value.class).getValue());
      }
      if (any.is(Int64Value.class)) {
        long v = any.unpack(Int64Value.class).getValue();
        return v == (int) v ? JSON.numberNode((int) v) : JSON.numberNode(v);
      }
      if (any.is(UInt32Value.class)) {
        return JSON.numberNode(Integer.toUnsignedLong(any.unpack(UInt32Value.class).getValue()));
      }
      if (any.is(UInt64Value.class)) {
        return JSON.numberNode(any.unpack(UInt64Value.class).getValue());
      }
      if (any.is(FloatValue.class)) {
        // through its shortest decimal form, so 0.1f reads as 0.1, not 0.10000000149
        return number(Double.parseDouble(Float.toString(any.unpack(FloatValue.class).getValue())));
      }
      if (any.is(DoubleValue.class)) {
        return number(any.unpack(DoubleValue.class).getValue());
      }
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
    return null;
  }

  private static JsonNode number(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      long whole = (long) d;
      return whole == (int) whole ? JSON.numberNode((int) whole) : JSON.numberNode(whole);
    }
    return JSON.numberNode(d);
  }
}
