/**
 * The one render helper for component tests: keys in, frames out. Waits poll
 * the last frame (bounded) instead of sleeping a fixed time.
 */
import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

const tick = () => new Promise<void>((r) => setImmediate(r));
// Lets React commit and run effects (where useInput subscribes) after a render or key.
const settle = async () => {
  for (let i = 0; i < 5; i++) await tick();
};

export interface Rendered {
  /** The last frame, '' before the first, without a text field's cursor (its inverse on/off codes). */
  frame(): string;
  /** The last frame as drawn, the cursor's inverse codes included. */
  rawFrame(): string;
  /** Type keys (strings or KEY values) one at a time. */
  press(...keys: string[]): Promise<void>;
  /** Write several reads back to back, before anything renders (a fast typist, a script), then settle. */
  burst(...chunks: string[]): Promise<void>;
  /** Poll until the frame matches (text, regexp or predicate); throws with the frame after `timeoutMs`. */
  waitFor(expect: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Simulate a terminal resize (Ink components read stdout.rows/columns). */
  resize(rows: number, columns?: number): Promise<void>;
  unmount(): void;
  frames: string[];
}

export async function renderUi(tree: ReactElement): Promise<Rendered> {
  const inst = render(tree);
  await settle();
  const rawFrame = () => inst.lastFrame() ?? '';
  // A text field draws its cursor with its own SGR codes (src/ui/text-field.tsx): text is matched without them.
  const frame = () => rawFrame().replace(/\u001B\[(?:7|27)m/g, '');
  return {
    frame,
    rawFrame,
    frames: inst.frames,
    async press(...keys) {
      for (const k of keys) {
        inst.stdin.write(k);
        await settle();
      }
    },
    async burst(...chunks) {
      for (const c of chunks) inst.stdin.write(c);
      await settle();
    },
    async waitFor(expect, timeoutMs = 3000) {
      const ok = (f: string) => (typeof expect === 'string' ? f.includes(expect) : expect instanceof RegExp ? expect.test(f) : expect(f));
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (ok(frame())) return frame();
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`frame never matched ${String(expect)}; last frame:\n${frame()}`);
    },
    async resize(rows, columns) {
      Object.defineProperty(inst.stdout, 'rows', { value: rows, configurable: true });
      if (columns) Object.defineProperty(inst.stdout, 'columns', { value: columns, configurable: true });
      inst.stdout.emit('resize');
      await settle();
    },
    unmount: () => inst.unmount(),
  };
}
