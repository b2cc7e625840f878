package org.kubeedgejava.config;

import java.util.List;
import java.util.Objects;

/**
 * A configuration read from YAML, with the warnings found on the way: fields the file sets that
 * this implementation does not know (kept out of the config, never an error, since operators copy
 * upstream files), e.g. {@code unknown field modules.edged.tailoredKubeletConfig.cgroupDriver
 * (ignored)}.
 *
 * @param <T> the kind of configuration
 */
public record LoadedConfig<T>(T config, List<String> warnings) {
  public LoadedConfig {
    Objects.requireNonNull(config, "config");
    warnings = List.copyOf(warnings);
  }
}
