package org.kubeedgejava.bench.edgemark;

/** The simulated nodes' names: {@code edgemark-00000}, {@code edgemark-00001}, … */
final class NodeNames {
  private NodeNames() {}

  static String of(int index) {
    return String.format("edgemark-%05d", index);
  }
}
