package org.kubeedgejava.cloudcore.certs;

/** Whether a Node object exists; blocking (called off the event loop). */
@FunctionalInterface
public interface NodeLookup {
  boolean exists(String nodeName);
}
