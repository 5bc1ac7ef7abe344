/**
 * The key-by-key stdin (src/ui/stdin-keys.ts) through Ink's own read loop: an
 * Ink app rendered on a fake terminal stdin (a PassThrough that says it is a
 * TTY), keys written in bursts before anything renders, as a fast typist or a
 * script sends them. Every key must reach `useInput` alone, in order, and the
 * key that opens a form must be handled before the next one arrives, so the
 * form gets the keys typed after it. Without the hack Ink hands each burst to
 * the handlers as one input.
 */
import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import React, { useState } from 'react';
import { render, Text, useInput } from 'ink';
import { useKeyByKey } from '../../src/ui/stdin-keys.js';

function fakeTerminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  const stdout = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { columns: 80, rows: 24, isTTY: true });
  return { stdin, stdout };
}

function App({ seen }: { seen: string[] }) {
  useKeyByKey();
  const [form, setForm] = useState(false);
  useInput(
    (input, key) => {
      seen.push(key.upArrow ? 'list:↑' : `list:${input}`);
      if (input === 'e') setForm(true);
    },
    { isActive: !form },
  );
  useInput(
    (input, key) => {
      seen.push(key.return ? 'form:⏎' : `form:${input}`);
      if (key.return) setForm(false);
    },
    { isActive: form },
  );
  return <Text>{form ? 'form' : 'list'}</Text>;
}

describe("keys through Ink's read loop, key by key", () => {
  it('every key of a burst reaches useInput alone and in order; the form a key opens gets the keys after it', async () => {
    const { stdin, stdout } = fakeTerminal();
    const seen: string[] = [];
    const app = render(<App seen={seen} />, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, stderr: stdout as unknown as NodeJS.WriteStream, exitOnCtrlC: false, patchConsole: false });
    try {
      // Two reads buffered back to back: the second arrives while the first is still being handled.
      stdin.write('a\u001B[Abe');
      stdin.write('xy\rz');
      const want = ['list:a', 'list:↑', 'list:b', 'list:e', 'form:x', 'form:y', 'form:⏎', 'list:z'];
      const deadline = Date.now() + 20_000;
      while (seen.length < want.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual(want);
    } finally {
      app.unmount();
      stdin.end();
    }
  });
});
