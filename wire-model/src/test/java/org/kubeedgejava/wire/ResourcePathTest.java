package org.kubeedgejava.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResourcePathTest {
  @Test
  void trimsTheNodePrefixOnTheWayDown() {
    assertThat(ResourcePath.toEdge("node/edge-pune-01/factory/pod/line3-vision"))
        .isEqualTo("factory/pod/line3-vision");
    assertThat(ResourcePath.toEdge("node/n1/membership")).isEqualTo("membership");
    assertThat(ResourcePath.toEdge("rule/r1")).isEqualTo("rule/r1");
  }

  @Test
  void addsTheNodePrefixOnTheWayUp() {
    assertThat(ResourcePath.fromEdge("n1", "null/nodepatch/n1"))
        .isEqualTo("node/n1/null/nodepatch/n1");
    assertThat(ResourcePath.clusterScoped("node", "n1").inCloud("n1"))
        .isEqualTo("node/n1/null/node/n1");
  }

  @Test
  void findsTheNodeInACloudResource() {
    assertThat(ResourcePath.nodeOf("node/n1/default/pod/p")).contains("n1");
    assertThat(ResourcePath.nodeOf("x/node//node/n2/pod")).contains("n2");
    assertThat(ResourcePath.nodeOf("default/pod/p")).isEmpty();
  }

  @Test
  void parsesEdgeResourceStrings() {
    assertThat(ResourcePath.parse("factory/pod/line3"))
        .contains(new ResourcePath("factory", "pod", "line3"));
    assertThat(ResourcePath.parse("kube-node-lease/lease/n1").orElseThrow().isClusterScoped())
        .isFalse();
    assertThat(ResourcePath.parse("null/node/n1").orElseThrow().isClusterScoped()).isTrue();
    assertThat(ResourcePath.parse("default/podlist"))
        .contains(new ResourcePath("default", "podlist", ""));
    assertThat(ResourcePath.parse("membership")).isEmpty();
    assertThat(ResourcePath.parse("a//b")).isEmpty();
    assertThat(ResourcePath.parse("a/b/c/d")).isEmpty();
  }

  @Test
  void refusesTokensWithSlashes() {
    assertThatThrownBy(() -> new ResourcePath("a/b", "pod", "p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ResourcePath.fromEdge("", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
