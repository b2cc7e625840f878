/**
 * {@code edgecore.yaml} ({@code edgecore.config.kubeedge.io/v1alpha2}, kind {@code EdgeCore}):
 * {@link org.kubeedgejava.config.edgecore.EdgeCoreConfig} and its parts, one record per YAML
 * mapping, with upstream's field names and nesting. Durations keep upstream's units in YAML
 * (integer seconds, or a Go duration string inside {@code tailoredKubeletConfig}) and have {@link
 * java.time.Duration} accessors.
 */
package org.kubeedgejava.config.edgecore;
