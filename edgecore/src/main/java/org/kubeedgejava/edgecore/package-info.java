/**
 * edgecore: the edge half of kubeedge-java, on each edge node. {@link
 * org.kubeedgejava.edgecore.EdgeCoreMain} validates the configuration and starts {@link
 * org.kubeedgejava.edgecore.EdgeCore}, which assembles the modules: {@code edgehub} (the tunnel
 * client), {@code metamanager} (the SQLite store, acknowledgements, the upstream outbox), {@code
 * certs} (join and certificate rotation).
 */
package org.kubeedgejava.edgecore;
