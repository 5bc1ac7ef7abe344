/**
 * The probe annotation's reserved keys and its probe spec, for the parser.
 * The kind and its parameters are checked by the validator the parser is
 * handed (the probe registry's); `timeout`, `label`, `evidence` and `id` are
 * the checklist's own keys, read here. Pure.
 */
import { parseDuration } from '../grammar/duration.js';
import { checkId, EVIDENCE_VALUES } from './annotations.js';
import type { ProbeSpec, ProbeValidator } from './types.js';

/** A probe spec from annotation params: schema-checked, with the runner's own keys (timeout, label) read; undefined after reporting problems. */
export function probeSpec(kind: string, reserved: Record<string, string>, raw: string, line: number, validateProbe: ProbeValidator, problem: (line: number, message: string) => void): ProbeSpec | undefined {
  let ok = true;
  const checked = validateProbe(kind, reserved);
  if (!checked.ok) {
    ok = false;
    for (const issue of checked.issues) problem(line, issue.message);
  }
  const spec: ProbeSpec = { kind, params: checked.ok ? checked.params : {}, raw, line };
  if (reserved.timeout !== undefined) {
    // The one duration grammar: a unit is required (`timeout=10` is refused, not 10 ms).
    const t = parseDuration(reserved.timeout);
    if (!t.ok) {
      ok = false;
      problem(line, `parameter "timeout": ${t.problem}`);
    } else spec.timeoutMs = t.ms;
  }
  if (reserved.label !== undefined) {
    if (!reserved.label.trim()) {
      ok = false;
      problem(line, 'parameter "label": must not be empty');
    } else spec.label = reserved.label;
  }
  if (reserved.evidence !== undefined) {
    if (!(EVIDENCE_VALUES as readonly string[]).includes(reserved.evidence)) {
      ok = false;
      problem(line, `parameter "evidence": must be ${EVIDENCE_VALUES.join(' or ')} (partial: the probe proves part of the item, a person settles it)`);
    } else if (reserved.evidence === 'partial') spec.partial = true;
  }
  if (reserved.id !== undefined) {
    const idCheck = checkId(reserved.id);
    if (!idCheck?.ok) {
      ok = false;
      problem(line, idCheck && !idCheck.ok ? idCheck.message : 'bad id');
    }
  }
  return ok ? spec : undefined;
}
