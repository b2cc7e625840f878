package org.kubeedgejava.edgecore.metamanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Route;

class MetaManagerTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
  private final ObjectMapper json = new ObjectMapper();
  private final List<Message> acks = new ArrayList<>();
  private final List<MetaManager.Change> changes = new ArrayList<>();
  private MetaStore store;
  private MetaManager meta;

  private void open() {
    store = MetaStore.open(dir.resolve("edgecore.db"));
    meta = new MetaManager(store, acks::add, clock);
    meta.addListener(changes::add);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Message configMap(String op, String name, String rv, String data) throws Exception {
    JsonNode cm =
        json.readTree(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                + name
                + "\",\"namespace\":\"factory\",\"resourceVersion\":\""
                + rv
                + "\"},\"data\":{\"v\":\""
                + data
                + "\"}}");
    return Message.create(
            clock, new Route("edgecontroller", "", "resource", op, "factory/configmap/" + name), cm)
        .withResourceVersion(rv);
  }

  @Test
  void storesThenAcknowledgesWithTheMessageIdAsParent() throws Exception {
    open();
    Message insert = configMap("insert", "line3", "10", "a");

    assertThat(meta.onCloudMessage(insert)).isTrue();

    assertThat(store.get("factory/configmap/line3"))
        .hasValueSatisfying(v -> assertThat(v).contains("\"v\":\"a\""));
    assertThat(acks)
        .singleElement()
        .satisfies(ack -> {
          assertThat(ack.isAck()).isTrue();
          assertThat(ack.header().parentId()).isEqualTo(insert.header().id());
        });
    assertThat(changes)
        .singleElement()
        .satisfies(c -> assertThat(c.path().name()).isEqualTo("line3"));
  }

  @Test
  void anOlderVersionArrivingLateIsAcknowledgedButChangesNothing() throws Exception {
    open();
    meta.onCloudMessage(configMap("update", "line3", "20", "new"));

    meta.onCloudMessage(configMap("update", "line3", "15", "old"));

    assertThat(store.get("factory/configmap/line3").orElseThrow()).contains("\"v\":\"new\"");
    assertThat(acks).hasSize(2);
    assertThat(changes).hasSize(1);
  }

  @Test
  void aDeletedObjectCannotBeResurrectedByAStaleUpdate() throws Exception {
    open();
    meta.onCloudMessage(configMap("insert", "line3", "10", "a"));
    meta.onCloudMessage(configMap("delete", "line3", "30", "a"));

    meta.onCloudMessage(configMap("update", "line3", "25", "zombie"));

    assertThat(store.get("factory/configmap/line3")).isEmpty();
    assertThat(store.lastVersion("factory/configmap/line3")).contains("30");
  }

  @Test
  void whatWasAcknowledgedSurvivesAReopen() throws Exception {
    open();
    meta.onCloudMessage(configMap("insert", "line3", "10", "a"));
    store.close();

    open();

    assertThat(store.get("factory/configmap/line3")).isPresent();
    assertThat(store.listByType("configmap"))
        .extracting(MetaStore.Entry::key)
        .containsExactly("factory/configmap/line3");
  }

  @Test
  void aFullDiskMeansNoAcknowledgementAndNothingAlreadyStoredIsLost() throws Exception {
    open();
    meta.onCloudMessage(configMap("insert", "small", "10", "a"));
    store.capPages(1); // already above: any growth fails with SQLITE_FULL

    boolean acked = meta.onCloudMessage(configMap("insert", "big", "11", "x".repeat(200_000)));

    assertThat(acked).isFalse();
    assertThat(acks).hasSize(1);
    assertThat(store.get("factory/configmap/big")).isEmpty();
    assertThat(store.get("factory/configmap/small")).isPresent();
  }

  @Test
  void messagesThatAreNotObjectChangesAreNotAcknowledged() throws Exception {
    open();
    Message odd =
        Message.create(
            clock, new Route("edgecontroller", "", "resource", "update", "membership"), null);

    assertThat(meta.onCloudMessage(odd)).isFalse();
    assertThat(acks).isEmpty();
  }
}
