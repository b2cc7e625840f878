package org.kubeedgejava.edgecore;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * edgecore's logging set up in code, the same as its {@code logback.xml}: one console appender,
 * root at {@code KUBEEDGE_LOG_LEVEL} (default INFO), Netty and fabric8 at WARN. Parsing the XML
 * loads logback's Joran configurator and the JDK's XML parser, about 650 classes (some 3 MiB of
 * metaspace and symbols) that a resident agent keeps for nothing.
 *
 * <p>Found by logback as a service, but active only with the system property {@code
 * kubeedge.log.config=builtin}, which edgecore's launcher sets: keadm, which bundles edgecore, and
 * tests with their own {@code logback-test.xml} keep the XML configuration.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
  static final String PROPERTY = "kubeedge.log.config";
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (!"builtin".equals(System.getProperty(PROPERTY))) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    context.getLogger("io.fabric8").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.moquette").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    String level = System.getenv("KUBEEDGE_LOG_LEVEL");
    root.setLevel(Level.toLevel(level == null || level.isBlank() ? "INFO" : level, Level.INFO));
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
