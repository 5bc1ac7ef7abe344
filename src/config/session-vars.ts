/**
 * Variables given in the wizard for this session, layered over the resolved
 * ones (environment, --env-file, --config). One object every reader already
 * takes (`Vars`), so probes, command blocks and the watch see a value the
 * moment it is given, without each being handed a new map.
 *
 * A name the configuration sets is never overridden here: the wizard only
 * asks for what is unset.
 */
import type { Vars } from './vars.js';

export interface LayeredVars {
  /** The configuration's variables with the given ones on top (read-only to everyone else). */
  readonly vars: Vars;
  /** Give `name` for this session (ignored when the configuration sets it). */
  give(name: string, value: string): void;
  /** Names given in this session, in the order given. */
  given(): string[];
}

/** A variable name as `${NAME}` references it. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function layeredVars(base: Vars): LayeredVars {
  const given = new Map<string, string>();
  const has = (name: string) => (Object.hasOwn(base, name) && base[name] !== '') || given.has(name);
  const value = (name: string): string | undefined => (Object.hasOwn(base, name) && base[name] !== '' ? base[name] : given.get(name) ?? base[name]);
  const names = () => [...new Set([...Object.keys(base), ...given.keys()])];
  // The target is an empty object of our own: the base may be frozen, and a proxy may not report keys a frozen target lacks.
  const vars = new Proxy({} as Record<string, string>, {
    get: (_t, name) => (typeof name === 'string' ? value(name) : undefined),
    has: (_t, name) => typeof name === 'string' && (Object.hasOwn(base, name) || given.has(name)),
    ownKeys: () => names(),
    getOwnPropertyDescriptor: (_t, name) => {
      if (typeof name !== 'string' || !(Object.hasOwn(base, name) || given.has(name))) return undefined;
      return { value: value(name), enumerable: true, configurable: true, writable: false };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  }) as Vars;
  return {
    vars,
    give(name, value) {
      if (!VARIABLE_NAME.test(name) || has(name)) return;
      given.set(name, value);
    },
    given: () => [...given.keys()],
  };
}
