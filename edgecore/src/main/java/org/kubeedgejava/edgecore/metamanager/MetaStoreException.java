package org.kubeedgejava.edgecore.metamanager;

/** The edge store could not read or write (full disk, I/O error, corrupt file). */
public final class MetaStoreException extends RuntimeException {
  public MetaStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
