package org.kubeedgejava.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:9091, 127.0.0.1, 9091",
    "cloud.example.com:10000, cloud.example.com, 10000",
    "[fd00::1]:10000, fd00::1, 10000",
    ":9091, '', 9091"
  })
  void parsesAndFormatsBackTheSame(String text, String host, int port) {
    HostPort hp = HostPort.parse(text);

    assertThat(hp).isEqualTo(new HostPort(host, port));
    assertThat(hp.toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "fd00::1:10000",
        "[fd00::1]10000",
        "[cloud]:1",
        "host:",
        "host:65536",
        "host:-1",
        "bad_host:1",
        "1.2.3.4:http"
      })
  void refusesWhatIsNotHostColonPort(String text) {
    assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"fd00::5, '[fd00::5]:10000'", "10.0.0.5, 10.0.0.5:10000"})
  void formatBracketsIpv6Hosts(String host, String expected) {
    assertThat(HostPort.format(host, 10000)).isEqualTo(expected);
  }
}
