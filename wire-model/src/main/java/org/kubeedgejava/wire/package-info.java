/**
 * The cloud-edge wire model, shared by cloudcore and edgecore: {@link
 * org.kubeedgejava.wire.Message} (header, route, content) as KubeEdge's beehive writes it, the
 * resource-string rules ({@link org.kubeedgejava.wire.ResourcePath}), the operation, group and
 * resource-type names, and the one {@link org.kubeedgejava.wire.MessageCodec} both sides use.
 *
 * <p>Everything here is immutable and thread-safe. This module depends on nothing of ours.
 */
package org.kubeedgejava.wire;
