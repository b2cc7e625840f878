/**
 * cloudcore's credentials and the join endpoint.
 *
 * <p>{@link org.kubeedgejava.cloudcore.certs.CloudCoreCredentials} keeps the CA, cloudcore's server
 * certificate and the join token in Kubernetes Secrets (kubeedge/casecret,
 * kubeedge/cloudcoresecret, kubeedge/tokensecret, as KubeEdge names them), creating them on first
 * start and refreshing the token. {@link org.kubeedgejava.cloudcore.certs.CertificateServer} serves
 * HTTPS on port 10002: {@code GET /ca.crt}, {@code GET /edge.crt} (sign a node's CSR, authorised by
 * the join token, by the node's current certificate, or by its expired one within the grace period
 * {@link org.kubeedgejava.cloudcore.certs.ExpiredCertificateRenewal} decides) and {@code GET
 * /node/{name}}.
 *
 * <p>Threading: the HTTPS server's event loops only parse and write; signing and Kubernetes calls
 * run on virtual threads. Credentials are immutable snapshots swapped atomically.
 */
package org.kubeedgejava.cloudcore.certs;
