package org.kubeedgejava.security;

/**
 * The cloud refused to sign an edge node's certificate signing request: it does not parse, its
 * signature does not verify, its key is not P-256, or its subject is not the node's identity. The
 * message says which, and is safe to return to the edge.
 */
public final class CsrRejectedException extends Exception {
  /** A rejection with a message saying what was wrong with the CSR. */
  public CsrRejectedException(String message) {
    super(message);
  }

  /** A rejection with a message and the parser or verifier failure behind it. */
  public CsrRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
