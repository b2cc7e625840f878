package org.kubeedgejava.edgecore;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class ConsoleLoggingTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(ConsoleLogging.PROPERTY);
  }

  @Test
  void leavesTheXmlConfigurationAloneUnlessTheLauncherAsks() {
    LoggerContext context = new LoggerContext();
    ConsoleLogging logging = new ConsoleLogging();
    logging.setContext(context);

    assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext())
        .isFalse();
  }

  @Test
  void configuresWhatLogbackXmlSaysWhenAsked() {
    System.setProperty(ConsoleLogging.PROPERTY, "builtin");
    LoggerContext context = new LoggerContext();
    ConsoleLogging logging = new ConsoleLogging();
    logging.setContext(context);

    assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("STDOUT")).isInstanceOf(ConsoleAppender.class);
    assertThat(root.getAppender("STDOUT").isStarted()).isTrue();
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.fabric8").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.moquette").getLevel()).isEqualTo(Level.WARN);
    assertThat(root.getLevel())
        .isEqualTo(Level.toLevel(System.getenv("KUBEEDGE_LOG_LEVEL"), Level.INFO));
  }
}
