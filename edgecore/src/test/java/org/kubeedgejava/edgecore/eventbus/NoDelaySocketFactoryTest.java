package org.kubeedgejava.edgecore.eventbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {
  @Test
  void everySocketItMakesHasNaglesAlgorithmOff() throws Exception {
    NoDelaySocketFactory factory = new NoDelaySocketFactory();
    try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Socket unconnected = factory.createSocket(); // what Paho's TCPNetworkModule asks for
        Socket connected =
            factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      assertThat(unconnected.getTcpNoDelay()).isTrue();
      assertThat(connected.getTcpNoDelay()).isTrue();
    }
  }
}
