/**
 * The websocket lane CloudHub and EdgeHub share, KubeEdge's "viaduct": {@link
 * org.kubeedgejava.transport.MessageFrameHandler} turns websocket frames into {@link
 * org.kubeedgejava.wire.Message}s and back, {@link org.kubeedgejava.transport.TlsContexts} builds
 * the mutual-TLS contexts with KubeEdge's restrictions, {@link
 * org.kubeedgejava.transport.EventLoops} picks epoll or NIO.
 *
 * <p>Threading: every handler here runs on its channel's event loop and never blocks; decoded
 * messages are handed to a {@link org.kubeedgejava.transport.MessageFrameHandler.Listener}, which
 * must not block either (it hands work to its own executor).
 */
package org.kubeedgejava.transport;
