import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workdir } from '../check/helpers.js';

/** `--config` through the built CLI: a number reaches a probe, a value that cannot be a variable is named. */
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const CHECKLIST = '# C\n\n- [ ] Port open\n  <!-- probe: tcp host=${HOST} port=${PORT} -->\n';

describe('deploy-wizard check --config', () => {
  it('numbers and booleans are used as their string form', async () => {
    const cwd = workdir({ 'cl.md': CHECKLIST, 'cfg.json': JSON.stringify({ vars: { HOST: '127.0.0.1', PORT: port, UNUSED: true } }) });
    const r = await runCli(['check', '--checklist', 'cl.md', '--config', 'cfg.json'], { cwd });
    expect(r.stdout).toContain(`PASS  tcp    C › Port open — 127.0.0.1:${port} accepts connections`);
    expect(r.code).toBe(0);
  });

  it('null, or a variable put at the top level: exit 2 and one line naming the key', async () => {
    for (const [doc, message] of [
      [{ vars: { HOST: '127.0.0.1', PORT: null } }, 'vars.PORT is null: give a string, number or boolean (or leave the name out)'],
      [{ HOST: '127.0.0.1', vars: { PORT: port } }, '"HOST" is at the top level, where it is not read: put variables under "vars"'],
    ] as const) {
      const cwd = workdir({ 'cl.md': CHECKLIST, 'cfg.json': JSON.stringify(doc) });
      const r = await runCli(['check', '--checklist', 'cl.md', '--config', 'cfg.json'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(`--config ${cwd}/cfg.json: ${message}`)]);
    }
  });
});
