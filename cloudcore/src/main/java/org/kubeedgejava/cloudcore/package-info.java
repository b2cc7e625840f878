/**
 * cloudcore: the cloud half of kubeedge-java, next to a kube-apiserver. {@link
 * org.kubeedgejava.cloudcore.CloudCoreMain} validates the configuration and starts {@link
 * org.kubeedgejava.cloudcore.CloudCore}, which assembles the modules: {@code cloudhub} (the
 * websocket hub), {@code certs} (CA, join endpoint), {@code delivery} (reliable downstream delivery
 * and resync).
 */
package org.kubeedgejava.cloudcore;
