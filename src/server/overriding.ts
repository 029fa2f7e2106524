/**
 * An object with some members replaced and every other member passed through, methods bound to
 * the original. A proxy, not a copy: the trace writer and the routing states are classes whose
 * methods live on their prototypes, which a spread would lose.
 */
export function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return (overrides as Record<PropertyKey, unknown>)[prop];
      const value = Reflect.get(t, prop, receiver);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}
