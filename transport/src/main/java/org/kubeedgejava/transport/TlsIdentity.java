package org.kubeedgejava.transport;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A TLS identity: our key and certificate, and the CA we trust peers by. */
public record TlsIdentity(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
  public TlsIdentity {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(ca, "ca");
  }
}
