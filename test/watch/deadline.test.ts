/**
 * A measurement's deadline is the probe's own (declared, else the default),
 * never the interval (issue 23.12): with the deadline equal to the interval, an
 * answer slower than the interval (a loaded machine, a slow app) was judged "no
 * answer", and the window's verdict depended on the scheduler.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChecklist } from '../../src/checklist/load.js';
import { validateProbe } from '../../src/probes/registry.js';
import { runWatch } from '../../src/watch/run.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('watch measurement deadlines', () => {
  it('an answer slower than the interval is measured (its status judged), not timed out', async () => {
    // The app answers 500 after 300 ms; the interval is 20 ms.
    server = createServer((_req, res) => setTimeout(() => res.writeHead(500).end('down'), 300));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'dw-deadline-'));
    writeFileSync(join(dir, 'c.md'), `# R\n\n- [ ] x\n\n## Rollback Decision Criteria\n\n- App answers\n  <!-- watch: http url=http://127.0.0.1:${port}/health/ status=200 -->\n`);
    const { checklist, problems } = await loadChecklist(join(dir, 'c.md'), validateProbe);
    expect(problems).toEqual([]);
    const criterion = checklist.criteria![0];
    const outcome = await runWatch([{ criterion, limits: { intervalMs: 20, count: 2, failureLimit: 1, inconclusiveLimit: 5 } }], { vars: {} });
    const phases = outcome.watches[0].measurements.map((m) => m.phase);
    expect(phases).toEqual(['failed', 'failed']);
    expect(outcome.watches[0].measurements.map((m) => m.message).join('\n')).toMatch(/500/);
    expect(outcome.phase).toBe('failed');
  }, 30_000);
});
