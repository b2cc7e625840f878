/**
 * EdgeController: steps 2 and 6 of the message flow. {@link
 * org.kubeedgejava.cloudcore.edgecontroller.DownstreamController} watches the API server (edge
 * nodes, the pods bound to them, the ConfigMaps and Secrets those pods use) and hands changes to
 * reliable delivery, each object only to the nodes that need it. {@link
 * org.kubeedgejava.cloudcore.edgecontroller.UpstreamController} applies what edge nodes report:
 * node registration and status, leases, pod status and deletion confirmations, and answers their
 * queries — each node only for itself.
 *
 * <p>Threading: informer callbacks run on fabric8's informer thread and only enqueue deliveries;
 * upstream messages run on the node's serial executor (blocking API calls are fine there: it is a
 * virtual thread).
 */
package org.kubeedgejava.cloudcore.edgecontroller;
