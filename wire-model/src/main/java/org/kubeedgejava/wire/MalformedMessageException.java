package org.kubeedgejava.wire;

/**
 * A frame that is not a valid message. {@link #reason()} is a fixed, low-cardinality label fit for
 * a metric; the message says what exactly was wrong, for the log.
 */
public final class MalformedMessageException extends Exception {
  /** Why a frame was refused. */
  public enum Reason {
    /** Larger than the codec's frame limit. */
    OVERSIZED("oversized"),
    /** Not well-formed JSON (or not UTF-8, or nested too deep). */
    NOT_JSON("not_json"),
    /** JSON, but not a message: wrong top-level shape, field types, or a required field missing. */
    INVALID("invalid");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The metric label, e.g. {@code oversized}. */
    public String label() {
      return label;
    }
  }

  private final Reason reason;

  public MalformedMessageException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public MalformedMessageException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
