import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWriteOps, writeFileAtomic, writeFileAtomicSync } from '../../src/atomic-write.js';

const dir = () => mkdtempSync(join(tmpdir(), 'dw-atomic-'));

describe('the one atomic writer', () => {
  it('replaces a file whole, owner-only, and leaves no temp file', async () => {
    const d = dir();
    const file = join(d, 's.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['s.json']);
  });

  it('a failed write leaves the old file as it was and removes its temp file', async () => {
    const d = dir();
    const file = join(d, 's.json');
    writeFileSync(file, 'old');
    const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    await expect(writeFileAtomic(file, 'new', { ...defaultWriteOps, write: async () => Promise.reject(full) })).rejects.toThrow('ENOSPC');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['s.json']);
  });

  it('synchronously too (durable or not): the whole text, mode 0600, no temp left', () => {
    const d = dir();
    for (const durable of [true, false]) {
      const file = join(d, `j-${durable}.jsonl`);
      const text = 'x'.repeat(200_000) + '\n';
      writeFileSync(file, 'old');
      writeFileAtomicSync(file, text, { durable });
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(d).sort()).toEqual(['j-false.jsonl', 'j-true.jsonl']);
  });

  it('a synchronous write into a folder that is gone throws and leaves nothing behind', () => {
    const d = dir();
    expect(() => writeFileAtomicSync(join(d, 'missing', 'f'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(d)).toEqual([]);
  });
});
