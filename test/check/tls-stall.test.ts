import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli, silentServer, workdir } from './helpers.js';

// Issue #12.3: https/security probes against a port that accepts TCP but never
// completes the TLS handshake printed their results on time, but the process
// stayed alive until undici's own 10 s connect timeout, whatever --timeout said.
const DEADLINE = 500;
const PEERS = 20;
let peers: Awaited<ReturnType<typeof silentServer>>[];
beforeAll(async () => {
  peers = await Promise.all(Array.from({ length: PEERS }, () => silentServer()));
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

describe('TLS-stall peers', () => {
  it(`check with --timeout ${DEADLINE}: every https/security probe times out and the process exits within the deadline + 1 s of its results`, async () => {
    const items = peers.map((p, i) =>
      i % 2
        ? `- [ ] Site ${i} secure\n  <!-- probe: security url=https://127.0.0.1:${p.port}/ -->\n`
        : `- [ ] Site ${i} answers\n  <!-- probe: http url=https://127.0.0.1:${p.port}/health/ -->\n`,
    );
    const cwd = workdir({ 'cl.md': `# Stall\n\n## Peers\n${items.join('')}` });
    let printedAt = 0;
    const r = await runCli(['check', '--checklist', 'cl.md', '--timeout', String(DEADLINE), '--concurrency', String(PEERS), '--format', 'json'], {
      cwd,
      onStdout: (text) => {
        if (!printedAt && text.trimEnd().endsWith('}')) printedAt = Date.now();
      },
    });
    const exitedAt = Date.now();
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.results).toHaveLength(PEERS);
    for (const x of doc.results) {
      expect(x.status, `${x.kind}: ${x.summary}`).toBe('error');
      expect(x.summary).toMatch(new RegExp(`no answer within ${DEADLINE} ms`));
      expect(x.durationMs).toBeLessThanOrEqual(DEADLINE * 1.2);
    }
    // Every probe ran at once: the whole run's deadline is one probe's deadline.
    expect(printedAt).toBeGreaterThan(0);
    expect(exitedAt - printedAt).toBeLessThanOrEqual(1000);
    expect(doc.summary.durationMs).toBeLessThanOrEqual(DEADLINE + 1000);
    // Each peer was really reached, and no client socket is left open.
    expect(peers.every((p) => p.accepted() > 0)).toBe(true);
    expect(await eventually(() => peers.every((p) => p.open() === 0))).toBe(true);
  });
});
