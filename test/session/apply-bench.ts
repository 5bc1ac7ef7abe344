/**
 * Not a test: a figure. Median time of OpenSession.apply on a session the size of the
 * shipped checklist (175 items) as its event log grows to 500 events, redaction on.
 *   npx esbuild test/session/apply-bench.ts --bundle --platform=node --format=esm --outfile=/tmp/apply-bench.mjs && node /tmp/apply-bench.mjs
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../src/session/file-store.js';
import { createRedactor } from '../../src/secrets/redactor.js';
const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'));
const store = createFileStore(dir, { redact: createRedactor({ DB_PASSWORD: 'Sup3rSecretPw', TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef' }) });
const ids = Array.from({ length: 175 }, (_, i) => `section-${Math.floor(i / 5)}.item-${i}`);
const s = await store.create({ environment: 'production', operator: 'alice', checklist: { path: 'c.md', hash: 'h', title: 'T', itemIds: ids } });
const times: number[] = [];
for (let i = 0; i < 500; i++) {
  const t = performance.now();
  await s.apply(i % 2 ? { type: 'item.state', itemId: ids[i % 175], state: 'done' } : { type: 'probe.result', result: { kind: 'http', itemId: ids[i % 175], spec: 'http url=x', status: 'pass', summary: 'HTTP 200 in 12 ms', evidence: ['HTTP/1.1 200 OK', 'content-type: application/json'], durationMs: 12, at: new Date().toISOString() } });
  times.push(performance.now() - t);
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`apply median first 50: ${med(times.slice(0, 50)).toFixed(2)} ms; last 50 (500 events, 175 items): ${med(times.slice(-50)).toFixed(2)} ms`);
const t = performance.now(); await store.list(); console.log(`list 1 session: ${(performance.now() - t).toFixed(1)} ms`);
await s.close();
