/**
 * One string order (src/order.ts): every sort of the CLI compares code units.
 * `localeCompare` (and Intl.Collator) would load ICU's collation data at its
 * first call, ~3 MB of peak RSS on every Node line; the bench's memory rows
 * are where that is measured, this guards against it coming back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { byCodeUnit } from '../../src/order.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
/** The code of a module without its comments. */
const code = (file: string) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

describe('one string order', () => {
  it('no module of src/ sorts with the locale collator', () => {
    const users = walk(SRC).filter((f) => /\.localeCompare\(|Intl\.Collator/.test(code(f)));
    expect(users.map((f) => f.slice(SRC.length))).toEqual([]);
  });

  it('orders ISO timestamps in time, kind names alphabetically, and equal keys as equal', () => {
    expect(['2026-12-01T10:00:00.000Z', '2026-11-30T23:59:59.999Z', '2026-12-01T09:59:59.000Z'].sort(byCodeUnit)).toEqual([
      '2026-11-30T23:59:59.999Z',
      '2026-12-01T09:59:59.000Z',
      '2026-12-01T10:00:00.000Z',
    ]);
    expect(['webhook-signature', 'http', 'secrets-scan', 'tls', 'rate-limit'].sort(byCodeUnit)).toEqual(['http', 'rate-limit', 'secrets-scan', 'tls', 'webhook-signature']);
    expect(byCodeUnit('redis', 'redis')).toBe(0);
  });
});
