/** The checklist model: what the parser produces from a Markdown file. */

/** One problem in a checklist, always with its 1-based line. */
export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** Non-item content of a section, kept to show the operator. */
export interface Guidance {
  kind: 'text' | 'list' | 'command' | 'table';
  /** The text as written (lists keep their markers, commands their body). */
  text: string;
  /** Fence info for commands, e.g. `bash`; empty when none was given. */
  lang?: string;
  line: number;
}

/** A probe annotation as written in `<!-- probe: KIND key=value ... -->`. */
export interface ProbeSpec {
  kind: string;
  /** Parameters after schema validation; strings may still hold ${VARS}. */
  params: Record<string, unknown>;
  /** The annotation's text after `probe:`, for display and evidence. */
  raw: string;
  line: number;
  /** Per-probe deadline in ms (the `timeout=` parameter), when given. */
  timeoutMs?: number;
  /** A short name for the probe (the `label=` parameter), when given. */
  label?: string;
  /** `evidence=partial`: the probe proves only part of its item, which still asks a person. */
  partial?: boolean;
}

export interface Item {
  /** Stable id: slug of section path + text, or `id=` from an annotation. */
  id: string;
  text: string;
  sectionId: string;
  line: number;
  /** `- [x]` in the source. */
  checked: boolean;
  probes: ProbeSpec[];
  /** Content nested under the item (plain bullets, paragraphs, code), when any. */
  guidance?: Guidance[];
  /** Why no machine settles this item (`<!-- manual: … -->`), when the checklist says. */
  manual?: string;
}

/** A criterion's window as written in its annotation (each key optional; src/watch/criteria.ts resolves defaults). */
export interface WindowSpec {
  intervalMs?: number;
  count?: number;
  forMs?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
}

/**
 * A rollback criterion watched over a window (`<!-- watch: KIND ... -->` on a
 * plain list item such as "Error rate exceeds 5% of requests", or on an item).
 */
export interface Criterion {
  /** Slug of the criterion's text, unique in the checklist. */
  id: string;
  text: string;
  sectionId: string;
  line: number;
  /** The probe that measures it; `raw` is the annotation after `watch:`. */
  probe: ProbeSpec;
  /** The window as written (src/watch/criteria.ts resolves the defaults). */
  window: WindowSpec;
  /** The checklist item it sits on, when it sits on one. */
  itemId?: string;
}

export interface Section {
  id: string;
  title: string;
  /** Heading level (1-6). */
  depth: number;
  /** Titles from the top heading down to this one. */
  path: string[];
  parentId?: string;
  line: number;
  guidance: Guidance[];
  /** Item ids directly under this heading, in order. */
  itemIds: string[];
  /** Child section ids, in order. */
  childIds: string[];
}

export interface SignoffSpec {
  /** Roles from the Sign-off table, e.g. Tech Lead. */
  roles: string[];
  /** Choices from the "Deployment Status" line, e.g. SUCCESS. */
  statuses: string[];
  /** Other bold labels after the table, e.g. Notes, Next Steps. */
  fields: string[];
  /** Groups of roles one person may hold together (`<!-- signoff: combine="A + B" -->`); none by default. */
  combinable?: string[][];
  /** Roles that must be signed by someone who did not operate the deployment (`<!-- signoff: independent="A" -->`). */
  independent?: string[];
  /** `<!-- signoff: signatures=required -->`: signing, revoking, completing and reopening need the actor's SSH key. */
  signatures?: 'required';
}

export interface Checklist {
  file: string;
  title: string;
  /** sha256 hex of the file content. */
  hash: string;
  /** All sections in document order. */
  sections: Section[];
  /** All items in document order. */
  items: Item[];
  signoff: SignoffSpec;
  /** Rollback criteria with a `watch:` annotation, in document order (absent or empty when none). */
  criteria?: Criterion[];
}

/** The parser's answer: a model (possibly partial) and every problem found. */
export interface ParseResult {
  checklist: Checklist;
  problems: Problem[];
}

/**
 * Checks a probe annotation's kind and parameters (the probe registry gives
 * one: `validateProbe` in src/probes/registry.ts); the parser is handed it, so
 * the checklist layer knows no probe kind.
 */
export type ProbeValidator = (
  kind: string,
  params: Record<string, string>,
) => { ok: true; params: Record<string, unknown> } | { ok: false; issues: Array<{ key?: string; message: string }> };
