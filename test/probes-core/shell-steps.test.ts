/**
 * The step recorder of command blocks (src/probes/shell-steps.ts): bash's own
 * parser splits the block, one bash runs it with errexit + pipefail, and each
 * command is recorded with its expanded text, status, duration and output.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bashComplete, expandRefs, markerReader, runBlock, splitSteps, splitStepsByBash } from '../../src/probes/shell-steps.js';
import { makeStore } from '../ui/store-helpers.js';
import { buildChecklist } from '../ui/fixtures.js';

const run = (script: string, env: Record<string, string> = {}, limit?: number) => runBlock(script, { signal: new AbortController().signal, env, limit });

describe('splitting a block into commands (bash -n on growing pieces)', () => {
  it('a heredoc, a continuation line, a multi-line quote, if … fi and for … done are one command each; comments are none', async () => {
    const script = [
      '#!/bin/bash',
      '# Quick check',
      'cat <<EOF',
      'first line',
      'if this were code; then',
      'EOF',
      'echo a \\',
      '  b \\',
      '  c',
      'echo "two',
      'lines"',
      '',
      'if true; then',
      '  echo yes',
      'fi',
      'for i in 1 2; do',
      '  echo "$i"',
      'done',
      "echo 'it''s' # a comment after a command",
    ].join('\n');
    const steps = await splitSteps(script, bashComplete);
    expect(steps.map((s) => s.text)).toEqual([
      'cat <<EOF\nfirst line\nif this were code; then\nEOF',
      'echo a \\\n  b \\\n  c',
      'echo "two\nlines"',
      'if true; then\n  echo yes\nfi',
      'for i in 1 2; do\n  echo "$i"\ndone',
      "echo 'it''s' # a comment after a command",
    ]);
    expect(steps.map((s) => s.line)).toEqual([2, 6, 9, 12, 15, 18]);
    // The same answer from one helper bash (what a run uses).
    expect(await splitStepsByBash(script)).toEqual(steps);
    expect(await splitStepsByBash('echo a\nif true; then\n  echo b')).toEqual([{ text: 'echo a', line: 0 }, { text: 'if true; then\n  echo b', line: 1, broken: true }]);
  });

  it('a tail bash never accepts is one last command, and running it makes bash say what is wrong', async () => {
    const r = await run('echo before\nif true; then\n  echo never');
    expect(r.steps.map((s) => s.command)).toEqual(['echo before', 'if true; then\n  echo never']);
    expect(r.steps[1].exitCode).toBe(2);
    expect(r.steps[1].output).toMatch(/syntax error/);
    expect(r.exitCode).toBe(2);
  });
});

describe('running a block as steps', () => {
  it('pipefail: `false | true` fails, and nothing after it runs (the marker file is never made)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-steps-'));
    const r = await run(`echo start\nfalse | true\ntouch ${dir}/second-ran`);
    expect(existsSync(join(dir, 'second-ran'))).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.steps.map((s) => [s.command, s.exitCode])).toEqual([
      ['echo start', 0],
      ['false | true', 1],
    ]);
    expect(r.notRun).toEqual([`touch ${dir}/second-ran`]);
  });

  it('errexit: the first failing command stops the block, its status and output are its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-steps-'));
    const script = `echo "checking \${DOMAIN}"\nsh -c 'echo "curl: (60) SSL certificate problem" >&2; exit 60'\ntouch ${dir}/after`;
    const r = await run(script, { DOMAIN: 'calls.example.org' });
    expect(existsSync(join(dir, 'after'))).toBe(false);
    expect(r.exitCode).toBe(60);
    expect(r.steps[0]).toMatchObject({ command: 'echo "checking calls.example.org"', exitCode: 0, output: 'checking calls.example.org\n' });
    expect(r.steps[1]).toMatchObject({ exitCode: 60, output: 'curl: (60) SSL certificate problem\n', truncated: false });
    expect(r.steps.every((s) => s.durationMs >= 0)).toBe(true);
    expect(r.notRun).toEqual([`touch ${dir}/after`]);
  });

  it('a command that did not run is recorded with the block\'s variables resolved, never as ${NAME}', async () => {
    const r = await run('false\ncurl -f "https://${DOMAIN}/health/" -H "X-Token: $API_TOKEN"', { DOMAIN: 'calls.example.org', API_TOKEN: 'tok-4f9a8b7c6d5e' });
    expect(r.notRun).toEqual(['curl -f "https://calls.example.org/health/" -H "X-Token: ***"']);
  });

  it('a command guarded with || does not stop the block (bash semantics), and a heredoc runs as one command', async () => {
    const r = await run('false || echo "HEALTH CHECK FAILED"\ncat <<EOF\nbody $HOME_X\nEOF', { HOME_X: 'here' });
    expect(r.exitCode).toBe(0);
    expect(r.steps.map((s) => s.exitCode)).toEqual([0, 0]);
    expect(r.steps[1]).toMatchObject({ command: 'cat <<EOF\nbody here\nEOF', output: 'body here\n' });
  });

  it('records variables as bash had them when the command started: set in the block, from the environment; unset ones stay as written', async () => {
    const r = await run('NS=django-twilio-call\necho "$NS ${DOMAIN:-none} $UNSET_ONE" \'$NS\'', { DOMAIN: 'calls.example.org' });
    expect(r.steps[1].command).toBe('echo "django-twilio-call calls.example.org $UNSET_ONE" \'$NS\'');
    expect(r.steps[1].output).toBe('django-twilio-call calls.example.org  $NS\n');
  });

  it('a secret-named variable is masked in the recorded command, its value never recorded', async () => {
    const r = await run('echo "Authorization: Bearer $API_TOKEN" >/dev/null', { API_TOKEN: 'tok-4f9a8b7c6d5e' });
    expect(r.steps[0].command).toBe('echo "Authorization: Bearer ***" >/dev/null');
    expect(JSON.stringify(r)).not.toContain('tok-4f9a8b7c6d5e');
  });

  it('bounds the output per block and marks the cut (start and end kept)', async () => {
    const r = await run('seq 1 5000', {}, 2000);
    const out = r.steps[0].output;
    expect(r.steps[0].truncated).toBe(true);
    expect(out.startsWith('1\n2\n3\n')).toBe(true);
    expect(out.trimEnd().endsWith('4999\n5000')).toBe(true);
    expect(out).toMatch(/… \d+ characters of output left out …/);
    expect(out.length).toBeLessThan(2200);
  });

  it('output that redirects stdout for the rest of the block still ends up with the right command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-steps-'));
    const r = await run(`echo one\nexec >${dir}/log\necho two\nfalse\necho three`);
    expect(r.steps.map((s) => s.exitCode)).toEqual([0, 0, 0, 1]);
    expect(r.steps[0].output).toBe('one\n');
    expect(r.notRun).toEqual(['echo three']);
  });

  it('a stop kills the running command and records it as stopped, the rest as not run', async () => {
    const ctl = new AbortController();
    const seen: string[] = [];
    const running = runBlock('echo go\nsleep 30\necho never', { signal: ctl.signal, env: {}, graceMs: 200, onUpdate: (s) => seen.push(s.map((x) => x.command).join('|')) });
    const until = Date.now() + 10_000;
    while (!seen.some((s) => s.includes('sleep 30')) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    ctl.abort();
    const r = await running;
    expect(r.exitCode).toBeNull();
    expect(r.steps.map((s) => [s.command, s.exitCode])).toEqual([
      ['echo go', 0],
      ['sleep 30', null],
    ]);
    expect(r.notRun).toEqual(['echo never']);
  });
});

describe('pieces', () => {
  it('expandRefs leaves single quotes, quoted heredocs and other ${…} forms alone', () => {
    const v = { A: 'x', B: '' };
    expect(expandRefs(`echo $A "\${A}" '\${A}' \${B:-d} \${B-e} \${A#x} \\$A`, v)).toBe(`echo x "x" '\${A}' d  \${A#x} \\$A`);
    expect(expandRefs("cat <<'EOF'\n$A\nEOF\necho $A", v)).toBe("cat <<'EOF'\n$A\nEOF\necho x");
    expect(expandRefs('cat <<EOF\n$A\nEOF', v)).toBe('cat <<EOF\nx\nEOF');
  });

  it('markers split across chunks are found; text around them goes to the right place', () => {
    const got: string[] = [];
    const r = markerReader('n0nce', (t) => got.push(`T:${t}`), (m) => got.push(`M:${JSON.stringify(m)}`));
    const stream = 'before\0n0nce S 0 0 1.5\0A\0a b\0n0nce.\nout\0n0nce E 3 2.5\0n0nce.\n';
    for (const ch of stream) r.push(ch);
    r.end();
    const joined = got.reduce<string[]>((acc, g) => (g.startsWith('T:') && acc.at(-1)?.startsWith('T:') ? [...acc.slice(0, -1), acc.at(-1)! + g.slice(2)] : [...acc, g]), []);
    expect(joined).toEqual(['T:before', 'M:{"kind":"S","step":0,"prevStatus":0,"at":1500,"values":{"A":"a b"}}', 'T:out', 'M:{"kind":"E","status":3,"at":2500}']);
  });
});

describe('the store records a run', () => {
  it('a secret value in a command or its output is masked in the session record (the redactor of the variables)', async () => {
    const checklist = buildChecklist([{ title: 'Verify', items: ['Verified'], guidance: [{ kind: 'command', lang: 'bash', text: 'curl -u admin:$DB_PASSWORD https://x/' }] }]);
    const { store, session } = makeStore({
      checklist,
      deps: {
        // The real runner with the store's variables (DB_PASSWORD=hunter2secret); sh stands in for curl.
        runCommand: (script, o) => runBlock(script.replace('curl', 'echo'), { signal: o.signal, env: { DB_PASSWORD: 'hunter2secret' }, onUpdate: o.onSteps }),
      },
    });
    store.getState().openSection(checklist.sections[0].id);
    store.getState().openScreen('command-confirm');
    await store.getState().runCommandBlock('curl');
    const doc = session.current();
    const ev = doc.events.find((e) => e.what === 'command.run')!;
    expect(ev.run?.steps[0].command).toBe('echo -u admin:*** https://x/');
    expect(ev.run?.steps[0].exitCode).toBe(0);
    expect(JSON.stringify(doc)).not.toContain('hunter2secret');
  });
});
