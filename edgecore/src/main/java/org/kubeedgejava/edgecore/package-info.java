/**
 * edgecore: the edge half of kubeedge-java, run on each edge node. Its modules (EdgeHub,
 * MetaManager, Edged, DeviceTwin, EventBus) arrive with the tunnel, workload and device issues; see
 * docs/ARCHITECTURE.md for the plan and the message flow.
 */
package org.kubeedgejava.edgecore;
