/**
 * "Did you mean …" for words a person typed against names the tool knows
 * (section headings for --section). Commander suggests for commands and
 * options only (its helper is not exported), so this is the same idea for
 * our own names: edit distance with transpositions, close enough relative
 * to the word's length.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The name closest to `typed` (case-insensitive), compared with the whole name
 * and with each of its words, or undefined when none is close: at most a third
 * of the typed word's letters wrong (and at least one right guess of length 3).
 */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  const t = typed.trim().toLowerCase();
  if (t.length < 3) return undefined;
  const limit = Math.max(1, Math.floor(t.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const n = name.toLowerCase();
    const distance = Math.min(editDistance(t, n), ...n.split(/[^a-z0-9]+/).filter(Boolean).map((w) => editDistance(t, w)));
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
