package org.kubeedgejava.security;

import java.util.Objects;

/**
 * A join token (or its JWT) that cannot be used, with a {@link Reason} for metrics and a message
 * that tells a person what to do. Messages never contain the token itself, which is a secret.
 */
public final class TokenException extends Exception {
  /** Why a join token was refused; {@link #label()} is a stable, low-cardinality metric label. */
  public enum Reason {
    /** Not {@code <ca hash>.<jwt>}, or the JWT does not parse or has no {@code exp}. */
    MALFORMED("malformed"),
    /** The CA certificate downloaded from the cloud is not the one the token names. */
    WRONG_CA_HASH("wrong_ca_hash"),
    /** The JWT was not signed with this cloud's CA key (another cloud's token, or altered). */
    BAD_SIGNATURE("bad_signature"),
    /** The JWT's {@code exp} has passed. */
    EXPIRED("expired");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The reason as a metric label value, e.g. {@code "expired"}. */
    public String label() {
      return label;
    }
  }

  private final Reason reason;

  /** A refusal for the given reason, with a message a person can act on. */
  public TokenException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** A refusal for the given reason, with a message and the failure behind it. */
  public TokenException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the token was refused. */
  public Reason reason() {
    return reason;
  }
}
