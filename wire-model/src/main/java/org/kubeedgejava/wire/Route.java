package org.kubeedgejava.wire;

/**
 * Where a message goes and what it does: the sending module ({@code source}), an optional {@code
 * destination}, the receiving module {@code group}, the {@code operation} ({@link Operations}) and
 * the {@code resource} string ({@link ResourcePath}). Absent fields are empty strings, never null.
 */
public record Route(
    String source, String destination, String group, String operation, String resource) {
  public Route {
    source = source == null ? "" : source;
    destination = destination == null ? "" : destination;
    group = group == null ? "" : group;
    operation = operation == null ? "" : operation;
    resource = resource == null ? "" : resource;
  }

  public Route withResource(String newResource) {
    return new Route(source, destination, group, operation, newResource);
  }
}
