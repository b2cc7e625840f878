package org.kubeedgejava.edgecore.certs;

/** Joining or renewing the node certificate failed; the message says why and what to do. */
public final class JoinException extends Exception {
  private final boolean refusedByCloud;

  public JoinException(String message) {
    this(message, false);
  }

  public JoinException(String message, Throwable cause) {
    super(message, cause);
    this.refusedByCloud = false;
  }

  /**
   * @param refusedByCloud whether cloudcore answered and said no (as opposed to not answering)
   */
  public JoinException(String message, boolean refusedByCloud) {
    super(message);
    this.refusedByCloud = refusedByCloud;
  }

  /**
   * Whether cloudcore was reached and refused (an HTTP error status), rather than being out of
   * reach: asking again soon will get the same answer.
   */
  public boolean refusedByCloud() {
    return refusedByCloud;
  }
}
