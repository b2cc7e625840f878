package org.kubeedgejava.wire;

/** Operation names used on the wire (KubeEdge's beehive, edge and cloudhub constants). */
public final class Operations {
  private Operations() {}

  public static final String INSERT = "insert";
  public static final String UPDATE = "update";
  public static final String PATCH = "patch";
  public static final String DELETE = "delete";
  public static final String QUERY = "query";
  public static final String UPLOAD = "upload";

  /** An answer; with content {@code "OK"} it acknowledges a downstream object message. */
  public static final String RESPONSE = "response";

  /** An error answer; the content is a string saying what went wrong. */
  public static final String ERROR = "error";

  /** The edge's heartbeat: content {@code "ping"}, every {@code edgeHub.heartbeat} seconds. */
  public static final String KEEPALIVE = "keepalive";

  public static final String CONNECT = "connect";
  public static final String GET = "get";
  public static final String GET_RESULT = "get_result";
  public static final String LIST = "list";
  public static final String DETAIL = "detail";
  public static final String DELTA = "delta";
  public static final String DOCUMENT = "document";
  public static final String UPDATED = "updated";
  public static final String DELETED = "deleted";
  public static final String CONNECTED = "connected";
  public static final String DISCONNECTED = "disconnected";
}
