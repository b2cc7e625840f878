/**
 * CloudHub: the websocket hub that terminates one mutual-TLS tunnel per edge node (port 10000).
 *
 * <p>Flow of a connection: {@link org.kubeedgejava.cloudcore.cloudhub.CloudHubServer} accepts it;
 * TLS requires a client certificate from the KubeEdge CA; {@link
 * org.kubeedgejava.cloudcore.cloudhub.NodeHandshakeHandler} checks the upgrade request (headers
 * {@code node_id}, {@code project_id}, {@code ConnectionUse: msg}) and that the certificate's CN is
 * {@code system:node:<node_id>}; after the websocket handshake {@link
 * org.kubeedgejava.cloudcore.cloudhub.HubConnectionHandler} registers a {@link
 * org.kubeedgejava.cloudcore.cloudhub.NodeSession} in the {@link
 * org.kubeedgejava.cloudcore.cloudhub.SessionRegistry}, replacing any older session of that node.
 *
 * <p>Threading: each connection is owned by one Netty event-loop thread; handlers never block it.
 * Upstream messages leave the event loop through the session's serial executor (per node, in
 * arrival order) to the {@link org.kubeedgejava.cloudcore.cloudhub.UpstreamHandler}. {@link
 * org.kubeedgejava.cloudcore.cloudhub.NodeSession#send} may be called from any thread. The registry
 * is a concurrent map; session listeners run on the event loop of the connection that changed and
 * must hand real work elsewhere.
 */
package org.kubeedgejava.cloudcore.cloudhub;
