package org.kubeedgejava.config;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What cloudcore's and edgecore's mains do before anything starts: load the file, pass on the
 * warnings (unknown fields), and validate — printing every violation at once when there are any.
 */
public final class StartupConfig {
  private StartupConfig() {}

  /**
   * The valid configuration in {@code file}, or empty after printing {@code "<component>: <file> is
   * not valid"} and each violation to {@code err}.
   */
  public static <T> Optional<T> load(
      ConfigLoader<T> loader, Path file, String component, Consumer<String> warn, PrintStream err)
      throws IOException {
    LoadedConfig<T> loaded;
    try {
      loaded = loader.load(file);
    } catch (InvalidConfigException e) {
      return invalid(component, file, e.violations(), err);
    }
    loaded.warnings().forEach(w -> warn.accept(file + ": " + w));
    List<String> problems = loader.validate(loaded.config());
    return problems.isEmpty()
        ? Optional.of(loaded.config())
        : invalid(component, file, problems, err);
  }

  private static <T> Optional<T> invalid(
      String component, Path file, List<String> problems, PrintStream err) {
    err.println(component + ": " + file + " is not valid:\n  " + String.join("\n  ", problems));
    return Optional.empty();
  }
}
