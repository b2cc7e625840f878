package org.kubeedgejava.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A KubeEdge join token, {@code <sha256 hex of the CA certificate DER>.<JWT>}: the edge trusts the
 * CA it downloads only if its hash is the first part, and proves it may join by sending the JWT
 * ({@code Authorization: Bearer <jwt>}) when it asks for its first certificate. The JWT is HS256
 * over a single {@code exp} claim, keyed with the CA private key's SEC1 DER bytes, exactly as
 * cloudcore makes it, so tokens from either implementation work with the other.
 *
 * <p>An instance is a parsed token; {@link #toString()} never prints the JWT, which is a secret.
 */
public final class JoinToken {
  /** KubeEdge's default join token lifetime. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofHours(24);

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Set<JWSAlgorithm> HMAC =
      Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
  private static final String FRESH_TOKEN = "run `keadm gettoken` on the cloud for a fresh one";

  private final String caHash;
  private final String jwt;
  private final Instant expiresAt;

  private JoinToken(String caHash, String jwt, Instant expiresAt) {
    this.caHash = caHash;
    this.jwt = jwt;
    this.expiresAt = expiresAt;
  }

  /** A new token for the CA, expiring {@code validity} (whole seconds) after the clock's now. */
  public static String create(CertificateAuthority ca, Clock clock, Duration validity) {
    if (validity.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "join token validity must be at least one second, got " + validity);
    }
    Instant expiry = clock.instant().plus(validity).truncatedTo(ChronoUnit.SECONDS);
    SignedJWT token =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            new JWTClaimsSet.Builder().expirationTime(Date.from(expiry)).build());
    try {
      token.sign(new MACSigner(ca.privateKeyDer()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a join token with the CA key", e);
    }
    return ca.certificateHash() + "." + token.serialize();
  }

  /**
   * Splits a token into its CA hash and JWT and reads the JWT's {@code exp}, without verifying
   * anything: for the edge, which has no key to verify with, and for display.
   *
   * @throws TokenException ({@link TokenException.Reason#MALFORMED}) unless it is a 64-hex-digit
   *     hash and a JWT with a numeric {@code exp}
   */
  public static JoinToken parse(String token) throws TokenException {
    Objects.requireNonNull(token, "token");
    String[] parts = token.strip().split("\\.", -1);
    if (parts.length != 4) {
      throw malformed(
          "join token must be <ca hash>.<jwt>, 4 dot-separated parts, but has "
              + (token.isBlank() ? "none" : parts.length + " part" + (parts.length == 1 ? "" : "s"))
              + "; copy the whole output of `keadm gettoken`");
    }
    if (!SHA256_HEX.matcher(parts[0]).matches()) {
      throw malformed(
          "join token must start with the CA certificate's sha256 in hex (64 digits);"
              + " copy the whole output of `keadm gettoken`");
    }
    String jwt = parts[1] + "." + parts[2] + "." + parts[3];
    return new JoinToken(parts[0].toLowerCase(Locale.ROOT), jwt, expiry(parseJwt(jwt)));
  }

  /**
   * Verifies a JWT the edge sent (without the CA hash): its HMAC with the CA key bytes, then its
   * {@code exp} against the clock, as cloudcore does.
   *
   * @param caKeyDer the CA private key's SEC1 DER, {@link CertificateAuthority#privateKeyDer()}
   * @return when the JWT expires
   * @throws TokenException MALFORMED if it does not parse or has no {@code exp}; BAD_SIGNATURE if
   *     it is not HMAC-signed with this key; EXPIRED if its {@code exp} is not after now
   */
  public static Instant verifyJwt(String jwt, byte[] caKeyDer, Clock clock) throws TokenException {
    Objects.requireNonNull(jwt, "jwt");
    SignedJWT parsed = parseJwt(jwt.strip());
    JWSAlgorithm algorithm = parsed.getHeader().getAlgorithm();
    if (!HMAC.contains(algorithm)) {
      throw new TokenException(
          TokenException.Reason.BAD_SIGNATURE,
          "join token is signed with " + algorithm + ", not HMAC with the CA key; " + FRESH_TOKEN);
    }
    boolean verified;
    try {
      verified = parsed.verify(new MACVerifier(caKeyDer));
    } catch (JOSEException e) {
      throw new IllegalArgumentException(
          "the CA key cannot verify join tokens: " + e.getMessage(), e);
    }
    if (!verified) {
      throw new TokenException(
          TokenException.Reason.BAD_SIGNATURE,
          "join token signature does not verify with this cloud's CA key: it was made by another"
              + " cloud (or another CA) or altered; "
              + FRESH_TOKEN);
    }
    Instant expiry = expiry(parsed);
    if (!clock.instant().isBefore(expiry)) {
      throw new TokenException(
          TokenException.Reason.EXPIRED, "join token expired at " + expiry + "; " + FRESH_TOKEN);
    }
    return expiry;
  }

  /**
   * Checks that the CA certificate the edge downloaded is the one this token names.
   *
   * @throws TokenException ({@link TokenException.Reason#WRONG_CA_HASH}) if its sha256 differs
   */
  public void checkCaHash(byte[] downloadedCaDer) throws TokenException {
    byte[] actual = Sha256.digest(downloadedCaDer);
    if (!MessageDigest.isEqual(actual, HexFormat.of().parseHex(caHash))) {
      throw new TokenException(
          TokenException.Reason.WRONG_CA_HASH,
          "the CA certificate from the cloud has sha256 "
              + HexFormat.of().formatHex(actual)
              + " but the join token expects "
              + caHash
              + "; check the cloudcore address, or "
              + FRESH_TOKEN);
    }
  }

  /** The lowercase hex sha256 of the CA certificate DER the token names. */
  public String caHash() {
    return caHash;
  }

  /** The JWT part, which the edge sends as {@code Authorization: Bearer <jwt>}. */
  public String jwt() {
    return jwt;
  }

  /** The JWT's {@code exp}, as read by {@link #parse} without verification. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** The CA hash and expiry; never the JWT. */
  @Override
  public String toString() {
    return "JoinToken[caHash=" + caHash + ", expiresAt=" + expiresAt + "]";
  }

  private static SignedJWT parseJwt(String jwt) throws TokenException {
    try {
      return SignedJWT.parse(jwt);
    } catch (ParseException | RuntimeException e) {
      throw malformed(
          "join token's JWT does not parse ("
              + e.getMessage()
              + "); copy the whole output of `keadm gettoken`",
          e);
    }
  }

  private static Instant expiry(SignedJWT jwt) throws TokenException {
    Date expiry;
    try {
      expiry = jwt.getJWTClaimsSet().getExpirationTime();
    } catch (ParseException | RuntimeException e) {
      throw malformed("join token's JWT has no readable claims (" + e.getMessage() + ")", e);
    }
    if (expiry == null) {
      throw malformed("join token's JWT has no exp claim; " + FRESH_TOKEN, null);
    }
    return expiry.toInstant();
  }

  private static TokenException malformed(String message) {
    return malformed(message, null);
  }

  private static TokenException malformed(String message, Throwable cause) {
    return new TokenException(TokenException.Reason.MALFORMED, message, cause);
  }
}
