package org.kubeedgejava.mapper;

import java.util.List;
import org.kubeedgejava.dmi.v1beta1.Twin;

/** Where devices send their twins and states (edgecore's DeviceManagerService). */
interface Reporter {

  /** Sends {@code twins} of one device; returns whether edgecore took them. Never throws. */
  boolean status(String namespace, String name, List<Twin> twins);

  /** Sends one device's state; returns whether edgecore took it. Never throws. */
  boolean state(String namespace, String name, String state);
}
