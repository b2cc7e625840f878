/**
 * Reliable downstream delivery: every object message to an edge node is retried until the node
 * acknowledges it (after committing it to its store), coalesced per object so only the newest
 * version waits, and re-sent after a reconnect from what the API server says was last acknowledged.
 *
 * <p>{@link org.kubeedgejava.cloudcore.delivery.NodeDeliveryQueue} holds one node's pending and
 * in-flight messages (pure logic, time passed in); {@link
 * org.kubeedgejava.cloudcore.delivery.ReliableDelivery} runs the queues against CloudHub sessions
 * and records acknowledged versions through an {@link
 * org.kubeedgejava.cloudcore.delivery.AckLedger} (ObjectSync objects in the API server).
 *
 * <p>Threading: each queue is confined by its own lock; sends happen outside it.
 */
package org.kubeedgejava.cloudcore.delivery;
