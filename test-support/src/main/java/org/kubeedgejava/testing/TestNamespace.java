package org.kubeedgejava.testing;

/** A namespace that exists for exactly one test; the extension deletes it afterwards. */
public record TestNamespace(String name) {
  @Override
  public String toString() {
    return name;
  }
}
