package org.kubeedgejava.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as KubeEdge prints it: lowercase hex, as Go's {@code hex.EncodeToString}. */
final class Sha256 {
  private Sha256() {}

  static byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String hex(byte[] data) {
    return HexFormat.of().formatHex(digest(data));
  }
}
