/**
 * The probes' HTTP client is the bundled undici; Node's own internal copy (behind
 * the lazy globals Headers, Request, Response, FormData…) must never load as well:
 * reading globalThis.Headers alone costs +9 MB of peak RSS on Node 20, +17 MB on
 * Node 24, and ~35 ms (scripts/build.mjs, the undici-own-headers plugin). The
 * built CLI runs an HTTP probe against a loopback server; a preload reports
 * which of Node's modules were loaded when it exits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../check/helpers.js';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("Node's internal undici", () => {
  it('is not loaded by a run whose HTTP probes use the bundled one', async () => {
    const cwd = workdir({
      'c.md': `# T\n\n## S\n- [ ] Health\n  <!-- probe: http url="http://127.0.0.1:${port}/health/" status=200 -->\n`,
    });
    const report = join(cwd, 'modules.json');
    writeFileSync(join(cwd, 'modules.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)));\n`);
    const run = await runCli(['--checklist', 'c.md', 'check'], { cwd, env: { NODE_OPTIONS: `--require ${join(cwd, 'modules.cjs')}` } });
    expect(run.stdout).toMatch(/^PASS\s+http/m);
    const loaded: string[] = JSON.parse(readFileSync(report, 'utf8'));
    expect(loaded.some((m) => m.includes('net'))).toBe(true); // the report is real: the probe's socket module is there
    expect(loaded.filter((m) => m.includes('deps/undici'))).toEqual([]);
  });
});
