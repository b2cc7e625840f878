package org.kubeedgejava.edgecore.certs;

/** Joining or renewing the node certificate failed; the message says why and what to do. */
public final class JoinException extends Exception {
  public JoinException(String message) {
    super(message);
  }

  public JoinException(String message, Throwable cause) {
    super(message, cause);
  }
}
