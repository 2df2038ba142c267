type Method = (...args: unknown[]) => unknown;

/**
 * A proxy of a store whose methods are wrapped by `wrap`, each once (at its first use), not at every
 * access: the served store is four such layers deep, and a wrapper made per call cost each commit and
 * each read a closure per layer. A proxy rather than a class listing every method, so methods the store
 * gains later pass through (wrapped alike). Other properties pass through as they are, read each time.
 * `wrap` gets the target's own method: call it with `method.apply(target, args)`.
 */
export function wrapMethods<T extends object>(
  target: T,
  wrap: (method: Method, property: PropertyKey) => Method,
): T {
  const wrappers = new Map<PropertyKey, Method>();
  return new Proxy(target, {
    get(inner, property) {
      const known = wrappers.get(property);
      if (known) return known;
      const value: unknown = Reflect.get(inner, property, inner);
      if (typeof value !== "function") return value;
      const wrapped = wrap(value as Method, property);
      wrappers.set(property, wrapped);
      return wrapped;
    },
  });
}
