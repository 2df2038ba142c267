import {
  type ActionCatalog,
  type Definition,
  type ValidationResult,
  validateDefinition,
} from "@sagaflow/shared";
import { canonicalJson } from "../history/hash";
import type { RunStore, StoredDefinition } from "../store/types";

/**
 * What `Engine.start` learned about the definitions it was given, keyed by their JSON text: that a text
 * validated (validation is pure and an engine's action catalog is fixed) and which stored version holds
 * it (versions are immutable). Starting a known definition then costs a `JSON.stringify` and the read of
 * the latest version, instead of a validation and two canonical serialisations. Bounded, oldest out.
 */
export class DefinitionCache {
  /** JSON text of a valid definition → the stored version found or saved for it (0: none yet). */
  private readonly known = new Map<string, number>();

  constructor(private readonly capacity = 256) {}

  /** The failed validation of `definition`, or undefined when it is valid. */
  invalid(definition: unknown, actions: ActionCatalog): ValidationResult | undefined {
    const key = keyOf(definition);
    if (key !== undefined && this.known.has(key)) return undefined;
    const validation = validateDefinition(definition, { actions });
    if (!validation.ok) return validation;
    if (key !== undefined) this.remember(key, 0);
    return undefined;
  }

  /** The stored version to run `definition` as: the latest if it has the same content, else a new one. */
  async ensure(store: RunStore, definition: Definition, at: () => string): Promise<StoredDefinition> {
    const key = keyOf(definition);
    const latest = await store.getDefinition(definition.name);
    if (latest && key !== undefined && this.known.get(key) === latest.version) return latest;
    const stored =
      latest && canonicalJson(latest.definition) === canonicalJson(definition)
        ? latest
        : await store.saveDefinition(definition, at());
    if (key !== undefined) this.remember(key, stored.version);
    return stored;
  }

  private remember(key: string, version: number): void {
    this.known.delete(key);
    this.known.set(key, version);
    if (this.known.size > this.capacity) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
  }
}

/** Values JSON cannot hold (cycles, BigInt) have no key: they are validated every time. */
function keyOf(definition: unknown): string | undefined {
  try {
    return JSON.stringify(definition);
  } catch {
    return undefined;
  }
}
