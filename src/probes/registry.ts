/**
 * The probe registry, built from the kind files (./kinds/, one per kind): the
 * parameter check the checklist validator is given, and the kinds the runner
 * is given. Nothing here knows a kind by name.
 */
import * as z from 'zod';
import { clip } from '../text/escape.js';
import type { ProbeValidator } from '../checklist/types.js';
import { BUILTIN_KINDS } from './builtin-kinds.js';
import type { ProbeKind } from './kind.js';

/** Keys every annotation may carry, handled by the runner rather than the probe. */
export const COMMON_KEYS = ['timeout', 'id', 'label', 'evidence'] as const;

interface ParamIssue {
  key?: string;
  message: string;
}

const hasVar = (v: unknown) => typeof v === 'string' && v.includes('${');

/** `.partial()` builds (and zod later compiles) a new schema on every call: build it once per kind. */
const partials = new WeakMap<z.ZodObject<any>, z.ZodObject<any>>();
function partialOf(schema: z.ZodObject<any>): z.ZodObject<any> {
  let p = partials.get(schema);
  if (!p) partials.set(schema, (p = schema.partial()));
  return p;
}

type ParamCheck = { ok: true; params: Record<string, unknown> } | { ok: false; issues: ParamIssue[] };

export interface Registry {
  /** Kinds by name. No prototype: a kind named `constructor` or `__proto__` in a checklist looks up nothing. */
  readonly kinds: Readonly<Record<string, ProbeKind>>;
  /**
   * Validate raw annotation parameters for a kind. With `resolved: false`
   * (checklist validation), values still holding ${VARS} are accepted as they
   * are and checked again after substitution at run time.
   */
  checkParams(kind: string, raw: Record<string, string>, resolved: boolean): ParamCheck;
  /** The validator the checklist parser is given (unresolved parameters). */
  validateProbe: ProbeValidator;
}

/** A registry of these kinds (the built-in ones unless a test adds its own). */
export function createRegistry(list: readonly ProbeKind[]): Registry {
  const kinds: Record<string, ProbeKind> = Object.create(null);
  for (const k of list) kinds[k.name] = k;
  Object.freeze(kinds);
  const checkParams = (kind: string, raw: Record<string, string>, resolved: boolean) => checkKindParams(kinds, kind, raw, resolved);
  return { kinds, checkParams, validateProbe: (kind, raw) => checkParams(kind, raw, false) };
}

function checkKindParams(kinds: Readonly<Record<string, ProbeKind>>, kind: string, raw: Record<string, string>, resolved: boolean): ParamCheck {
  const info = kinds[kind];
  if (!info) return { ok: false, issues: [{ message: `unknown probe kind "${clip(kind)}" (known: ${Object.keys(kinds).join(', ')})` }] };
  const shape = info.params.shape as Record<string, z.ZodType>;
  const issues: ParamIssue[] = [];
  // No prototype: `__proto__=1` must be an unknown key here, not a prototype assignment.
  const fixed: Record<string, unknown> = Object.create(null);
  const dynamic: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    if ((COMMON_KEYS as readonly string[]).includes(key)) continue;
    if (Object.hasOwn(shape, key)) fixed[key] = value;
    else if (info.dynamicKeys?.test(key)) dynamic[key] = value;
    else issues.push({ key, message: `unknown parameter "${clip(key)}" for ${kind} probe (known: ${Object.keys(shape).join(', ')})` });
  }
  // Before substitution, a ${VAR} value stands in for any valid value: check presence only.
  const schema = resolved ? info.params : partialOf(info.params);
  const toCheck = resolved ? fixed : Object.fromEntries(Object.entries(fixed).filter(([, v]) => !hasVar(v)));
  const parsed = schema.safeParse(toCheck);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const missing = issue.code === 'invalid_type' && !Object.hasOwn(fixed, key);
      issues.push({ key, message: missing ? `missing parameter "${key}" for ${kind} probe` : `parameter "${key}": ${issue.message}` });
    }
  }
  if (!resolved) {
    for (const [key, s] of Object.entries(shape)) {
      if (!Object.hasOwn(fixed, key) && !s.safeParse(undefined).success) issues.push({ key, message: `missing parameter "${key}" for ${kind} probe` });
    }
  }
  if (issues.length) return { ok: false, issues };
  const params = resolved && parsed.success ? { ...(parsed.data as object), ...dynamic } : { ...fixed, ...dynamic };
  return { ok: true, params };
}

/** The built-in kinds. */
export const registry: Registry = createRegistry(BUILTIN_KINDS);
/** The built-in kinds by name (read-only). */
export const KINDS = registry.kinds;
/** Parameter check against the built-in kinds. */
export const checkParams = registry.checkParams;
/** The checklist parser's validator for the built-in kinds. */
export const validateProbe = registry.validateProbe;
