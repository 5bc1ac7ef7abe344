/**
 * Stable, readable ids. A session refers to items by id, so an id must not
 * change when unrelated parts of the checklist are edited: it depends only on
 * the item's own text and the (at most two) nearest headings above it.
 */

const MAX_TEXT = 60;
const LINK_TARGET = /\]\([^)]*\)/g;
const MAX_SECTION = 40;
/** How many headings (nearest first) take part in an item id. */
const ITEM_SECTION_DEPTH = 2;

/** Lowercase ASCII words joined by hyphens, cut at a word boundary near `max`. */
export function slugify(text: string, max = MAX_TEXT): string {
  // Drop link targets, keep link text. Only up to the last ")": past it no target can close, and
  // trying from each "](" to the end of a long line of "[a](" would be quadratic.
  const close = text.lastIndexOf(')');
  let plain = (text.slice(0, close + 1).replace(LINK_TARGET, ']') + text.slice(close + 1)).replace(/&/g, ' and ');
  // Fold accents (é → e); skipped for plain ASCII, which is nearly every line and costs a lot to normalize.
  if (/[^\x00-\x7f]/.test(plain)) plain = plain.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  plain = plain
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const lastHyphen = cut.lastIndexOf('-');
  // Cut at a word boundary unless that would throw away most of the budget.
  return (lastHyphen > max / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, '');
}

/** Base id of a section: its whole path below the title. */
export function sectionBaseId(segments: string[], title: string): string {
  const parts = (segments.length ? segments : [title]).map((s) => slugify(s, MAX_SECTION) || 'section');
  return parts.join('/');
}

/** The part of an item id that comes from its section: the two nearest headings. */
export function itemIdPrefix(segments: string[]): string {
  return segments
    .slice(-ITEM_SECTION_DEPTH)
    .map((s) => (slugify(s, MAX_SECTION) || 'section') + '/')
    .join('');
}

/** Base id of an item: the two nearest headings plus the item's text. */
export function itemBaseId(segments: string[], text: string, prefix = itemIdPrefix(segments)): string {
  return prefix + (slugify(text, MAX_TEXT) || 'item');
}

/**
 * Make ids unique in document order: the first keeps its base, later ones get
 * `-2`, `-3`... Ids in `reserved` (explicit `id=` values) are never handed out.
 */
export function uniqueIds(bases: string[], reserved: Set<string> = new Set()): string[] {
  const taken = new Set(reserved);
  // Per base, the suffix to try next: every smaller one is already taken (the
  // set only grows), so starting there gives the ids a search from 2 would,
  // in linear time for N copies of one text instead of quadratic.
  const next = new Map<string, number>();
  return bases.map((base) => {
    let id = base;
    if (taken.has(id)) {
      let n = next.get(base) ?? 2;
      while (taken.has(`${base}-${n}`)) n++;
      id = `${base}-${n}`;
      next.set(base, n + 1);
    }
    taken.add(id);
    return id;
  });
}
