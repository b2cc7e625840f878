package org.kubeedgejava.bench.codec;

import java.util.concurrent.TimeUnit;
import org.kubeedgejava.wire.MalformedMessageException;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of {@link MessageCodec} on one thread: {@link #encode} turns a {@link Message} into
 * its UTF-8 JSON frame, {@link #decode} parses that frame back (tree parse plus header and route
 * validation), for each {@link SampleMessages} kind. The frame size of each kind is fixed, so bytes
 * per second follow from operations per second ({@link CodecBenchmarkReport} prints both).
 *
 * <p>Not final: JMH generates a subclass of every {@code @State} class.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MessageCodecBenchmark {
  @Param({SampleMessages.KEEPALIVE, SampleMessages.POD, SampleMessages.ACK})
  public String kind;

  private MessageCodec codec;
  private Message message;
  private byte[] frame;

  @Setup
  public void setUp() {
    codec = new MessageCodec();
    message = SampleMessages.of(kind);
    frame = codec.encode(message);
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(message);
  }

  @Benchmark
  public Message decode() throws MalformedMessageException {
    return codec.decode(frame);
  }
}
