package org.kubeedgejava.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any byte string fed to the decoder either decodes or is refused with {@link
 * MalformedMessageException}; nothing else escapes, and whatever decodes survives a round trip.
 * Runs over the seed corpus in regression mode (every build); {@code JAZZER_FUZZ=1} fuzzes.
 */
class MessageCodecFuzzTest {
  private static final MessageCodec CODEC = new MessageCodec(64 * 1024);

  @FuzzTest(maxDuration = "30s")
  void decodeNeverFailsOtherThanMalformed(byte[] frame) {
    Message decoded;
    try {
      decoded = CODEC.decode(frame);
    } catch (MalformedMessageException expected) {
      assertThat(expected.reason()).isNotNull();
      return;
    }
    Message again;
    try {
      again = CODEC.decode(CODEC.encode(decoded));
    } catch (MalformedMessageException e) {
      throw new AssertionError("re-encoded message did not decode: " + e.getMessage(), e);
    }
    assertThat(again).isEqualTo(decoded);
  }
}
