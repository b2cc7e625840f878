package org.kubeedgejava.dmi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.dmi.v1beta1.CustomizedValue;

class CustomizedValuesTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void packsValuesTheWayKubeEdgeDoes() throws Exception {
    CustomizedValue v =
        CustomizedValues.fromJson(
            json.readTree(
                "{\"ip\":\"127.0.0.1\",\"port\":5020,\"slaveID\":1,\"isSwap\":true,\"scale\":0.1}"));
    assertThat(v.getDataMap().get("ip").unpack(StringValue.class).getValue())
        .isEqualTo("127.0.0.1");
    assertThat(v.getDataMap().get("port").unpack(FloatValue.class).getValue()).isEqualTo(5020f);
    assertThat(v.getDataMap().get("isSwap").is(com.google.protobuf.BoolValue.class)).isTrue();
  }

  @Test
  void roundTripKeepsWholeNumbersWhole() throws Exception {
    ObjectNode in =
        (ObjectNode)
            json.readTree(
                "{\"register\":\"HoldingRegister\",\"offset\":100,\"limit\":1,\"scale\":0.1,"
                    + "\"isSwap\":false}");
    ObjectNode out = CustomizedValues.toJson(CustomizedValues.fromJson(in));
    assertThat(out.get("offset").isIntegralNumber()).isTrue();
    assertThat(out).isEqualTo(in);
  }

  @Test
  void readsIntegerWrappersFromOtherMappers() {
    CustomizedValue v =
        CustomizedValue.newBuilder().putData("offset", Any.pack(Int64Value.of(40001))).build();
    assertThat(CustomizedValues.toJson(v).get("offset").asLong()).isEqualTo(40001);
  }

  @Test
  void nestedObjectsTravelAsJsonText() throws Exception {
    CustomizedValue v = CustomizedValues.fromJson(json.readTree("{\"tls\":{\"ca\":\"x\"}}"));
    assertThat(v.getDataMap().get("tls").unpack(StringValue.class).getValue())
        .isEqualTo("{\"ca\":\"x\"}");
  }
}
