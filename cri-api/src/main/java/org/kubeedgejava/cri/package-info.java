/**
 * The Kubernetes Container Runtime Interface (CRI v1) for kubeedge-java's edge agent: {@link
 * org.kubeedgejava.cri.CriClient} over a runtime's Unix socket, and the generated messages and
 * stubs in {@code org.kubeedgejava.cri.v1} (proto package {@code runtime.v1}, the kubelet's wire
 * format).
 */
package org.kubeedgejava.cri;
