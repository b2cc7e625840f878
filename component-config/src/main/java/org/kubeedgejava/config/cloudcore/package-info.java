/**
 * {@code cloudcore.yaml} ({@code cloudcore.config.kubeedge.io/v1alpha1}, kind {@code CloudCore}):
 * {@link org.kubeedgejava.config.cloudcore.CloudCoreConfig} and its parts, one record per YAML
 * mapping, with upstream's field names and nesting. Durations keep upstream's integer units in YAML
 * (the unit is in each field's description) and have {@link java.time.Duration} accessors.
 */
package org.kubeedgejava.config.cloudcore;
