package org.kubeedgejava.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class JoinTokenTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

  final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
  final String token = JoinToken.create(ca, CLOCK, JoinToken.DEFAULT_VALIDITY);

  @Test
  void aCreatedTokenParsesAndVerifies() throws Exception {
    JoinToken parsed = JoinToken.parse(token);

    assertThat(token.split("\\.")).hasSize(4);
    assertThat(parsed.caHash()).isEqualTo(ca.certificateHash());
    assertThat(token).isEqualTo(parsed.caHash() + "." + parsed.jwt());
    assertThat(parsed.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    parsed.checkCaHash(ca.certificateDer());
    assertThat(JoinToken.verifyJwt(parsed.jwt(), ca.privateKeyDer(), CLOCK))
        .isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    assertThat(parsed.toString()).doesNotContain(parsed.jwt());
  }

  @Test
  void anExpiredTokenIsRefusedWithAHint() throws Exception {
    String jwt = JoinToken.parse(token).jwt();
    Clock atExpiry = Clock.offset(CLOCK, Duration.ofHours(24));
    Clock later = Clock.offset(CLOCK, Duration.ofDays(3));

    assertReason(() -> JoinToken.verifyJwt(jwt, ca.privateKeyDer(), atExpiry), "expired");
    assertThatThrownBy(() -> JoinToken.verifyJwt(jwt, ca.privateKeyDer(), later))
        .hasMessage(
            "join token expired at 2026-11-24T10:00:00Z;"
                + " run `keadm gettoken` on the cloud for a fresh one");
    assertThat(
            JoinToken.verifyJwt(
                jwt, ca.privateKeyDer(), Clock.offset(atExpiry, Duration.ofMillis(-1))))
        .isEqualTo(NOW.plus(Duration.ofHours(24)));
  }

  @Test
  void aTamperedSignatureIsABadSignature() throws Exception {
    String jwt = JoinToken.parse(token).jwt();
    int middle = jwt.lastIndexOf('.') + 20;
    char flipped = jwt.charAt(middle) == 'A' ? 'B' : 'A';
    String tampered = jwt.substring(0, middle) + flipped + jwt.substring(middle + 1);

    assertReason(() -> JoinToken.verifyJwt(tampered, ca.privateKeyDer(), CLOCK), "bad_signature");
  }

  @Test
  void aTamperedPayloadIsABadSignature() throws Exception {
    String[] parts = JoinToken.parse(token).jwt().split("\\.");
    long extended = NOW.plus(Duration.ofDays(365)).getEpochSecond();
    String forgedPayload =
        B64URL.encodeToString(("{\"exp\":" + extended + "}").getBytes(StandardCharsets.UTF_8));
    String forged = parts[0] + "." + forgedPayload + "." + parts[2];

    assertReason(() -> JoinToken.verifyJwt(forged, ca.privateKeyDer(), CLOCK), "bad_signature");
  }

  @Test
  void aTokenOfAnotherCaIsABadSignature() throws Exception {
    CertificateAuthority other = CertificateAuthority.generate(CLOCK);
    String jwt = JoinToken.parse(JoinToken.create(other, CLOCK, Duration.ofHours(1))).jwt();

    assertReason(() -> JoinToken.verifyJwt(jwt, ca.privateKeyDer(), CLOCK), "bad_signature");
  }

  @Test
  void aCaWhoseHashDiffersIsRefused() throws Exception {
    CertificateAuthority impostor = CertificateAuthority.generate(CLOCK);
    JoinToken parsed = JoinToken.parse(token);

    assertReason(() -> parsed.checkCaHash(impostor.certificateDer()), "wrong_ca_hash");
    assertThatThrownBy(() -> parsed.checkCaHash(impostor.certificateDer()))
        .hasMessageContaining(impostor.certificateHash())
        .hasMessageContaining(ca.certificateHash());
  }

  @Test
  void garbageIsMalformed() {
    String jwt = token.substring(token.indexOf('.') + 1);

    assertReason(() -> JoinToken.parse(""), "malformed");
    assertReason(() -> JoinToken.parse("not a token"), "malformed");
    assertReason(() -> JoinToken.parse(jwt), "malformed");
    assertReason(() -> JoinToken.parse("a.b.c.d"), "malformed");
    assertReason(() -> JoinToken.parse(ca.certificateHash() + ".b.c.d"), "malformed");
    assertReason(() -> JoinToken.parse(token + ".x"), "malformed");
    assertReason(() -> JoinToken.verifyJwt("", ca.privateKeyDer(), CLOCK), "malformed");
    assertReason(() -> JoinToken.verifyJwt("x.y.z", ca.privateKeyDer(), CLOCK), "malformed");
    assertThatThrownBy(() -> JoinToken.parse(jwt))
        .hasMessageContaining("4 dot-separated parts, but has 3 parts");
  }

  @Test
  void aJwtWithoutExpiryIsMalformed() throws Exception {
    String jwt = goStyleJwt("{}", ca.privateKeyDer());

    assertReason(() -> JoinToken.verifyJwt(jwt, ca.privateKeyDer(), CLOCK), "malformed");
    assertReason(() -> JoinToken.parse(ca.certificateHash() + "." + jwt), "malformed");
  }

  @Test
  void theSignatureIsPlainHmacSha256OverHeaderAndPayloadWithTheSec1Key() throws Exception {
    String[] parts = JoinToken.parse(token).jwt().split("\\.");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(ca.privateKeyDer(), "HmacSHA256"));
    byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));

    assertThat(parts[2]).isEqualTo(B64URL.encodeToString(expected));
  }

  @Test
  void theHeaderIsHs256JwtAndThePayloadOnlyANumericExp() throws Exception {
    String[] parts = JoinToken.parse(token).jwt().split("\\.");
    String header = new String(B64URL_DECODER.decode(parts[0]), StandardCharsets.UTF_8);
    String payload = new String(B64URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8);

    assertThat(parts[0]).doesNotContain("=");
    assertThat(JSONObjectUtils.parse(header)).isEqualTo(Map.of("alg", "HS256", "typ", "JWT"));
    assertThat(payload)
        .isEqualTo("{\"exp\":" + NOW.plus(Duration.ofHours(24)).getEpochSecond() + "}");
  }

  @Test
  void acceptsAJwtMadeTheWayGoMakesIt() throws Exception {
    long exp = NOW.plus(Duration.ofHours(1)).getEpochSecond();
    String jwt = goStyleJwt("{\"exp\":" + exp + "}", ca.privateKeyDer());

    assertThat(JoinToken.verifyJwt(jwt, ca.privateKeyDer(), CLOCK))
        .isEqualTo(Instant.ofEpochSecond(exp));
    assertThat(JoinToken.parse(ca.certificateHash() + "." + jwt).expiresAt())
        .isEqualTo(Instant.ofEpochSecond(exp));
  }

  @Test
  void reasonsHaveStableMetricLabels() {
    assertThat(TokenException.Reason.values())
        .extracting(TokenException.Reason::label)
        .containsExactly("malformed", "wrong_ca_hash", "bad_signature", "expired");
  }

  private static String goStyleJwt(String payloadJson, byte[] key) throws Exception {
    String signingInput =
        B64URL.encodeToString(
                "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + B64URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return signingInput
        + "."
        + B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  private static void assertReason(ThrowingCallable call, String label) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.reason().label()).isEqualTo(label));
  }
}
