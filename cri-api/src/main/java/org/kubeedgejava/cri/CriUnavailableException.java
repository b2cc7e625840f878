package org.kubeedgejava.cri;

import java.nio.file.Path;

/**
 * No CRI runtime can be reached at a socket: it does not exist, or is not a socket. An agent that
 * starts before its runtime catches it and retries. Immutable.
 */
public final class CriUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path socket;

  CriUnavailableException(Path socket, String message) {
    super(message);
    this.socket = socket;
  }

  /** The socket path that was tried. */
  public Path socket() {
    return socket;
  }
}
