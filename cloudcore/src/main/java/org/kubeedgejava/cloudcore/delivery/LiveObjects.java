package org.kubeedgejava.cloudcore.delivery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Optional;

/** The current state of objects in the API server (an informer cache in production). */
@FunctionalInterface
public interface LiveObjects {
  /** The object {@code ref} names (by kind, namespace and name), if it exists now. */
  Optional<HasMetadata> get(ObjectRef ref);
}
