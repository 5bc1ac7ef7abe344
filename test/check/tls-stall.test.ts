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
  it(`check with --timeout ${DEADLINE}: every https/security probe times out at once and the process exits right after its results, not at undici's 10 s`, async () => {
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
      // Ended by the deadline, not undici's 10 s connect timeout (how close to it: npm run bench).
      expect(x.durationMs).toBeLessThan(5000);
    }
    // Every probe ran at once: one after another, 20 deadlines would take 10 s.
    expect(printedAt).toBeGreaterThan(0);
    expect(doc.summary.durationMs).toBeLessThan(5000);
    // Nothing kept the process alive after its results (the bug: undici's 10 s connect timeout did).
    expect(exitedAt - printedAt).toBeLessThan(5000);
    // Each peer was really reached, and no client socket is left open.
    expect(peers.every((p) => p.accepted() > 0)).toBe(true);
    expect(await eventually(() => peers.every((p) => p.open() === 0), 10_000)).toBe(true);
  });
});
