/**
 * The configuration files of the two processes, {@code cloudcore.yaml} and {@code edgecore.yaml},
 * as KubeEdge names them: typed, defaulted and validated, and written back by keadm.
 *
 * <p>This package holds what both kinds share: the {@link org.kubeedgejava.config.ConfigLoader}
 * (YAML in and out, upstream's defaulting rule, unknown-field warnings), the {@link
 * org.kubeedgejava.config.InvalidConfigException} every problem ends in, and small value types such
 * as {@link org.kubeedgejava.config.HostPort}. The kinds themselves live in {@code
 * org.kubeedgejava.config.cloudcore} and {@code org.kubeedgejava.config.edgecore}.
 *
 * <p>Everything here is immutable and thread-safe.
 */
package org.kubeedgejava.config;
