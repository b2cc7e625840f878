/**
 * The join PKI cloud and edge share, wire-compatible with KubeEdge: the ECDSA P-256 CA ({@link
 * org.kubeedgejava.security.CertificateAuthority}), node certificates from CSRs ({@link
 * org.kubeedgejava.security.NodeKeys}, {@link org.kubeedgejava.security.NodeIdentity}), the join
 * token ({@link org.kubeedgejava.security.JoinToken}), and PEM/DER ({@link
 * org.kubeedgejava.security.Pem}). Time always comes in as a {@link java.time.Clock}.
 */
package org.kubeedgejava.security;
