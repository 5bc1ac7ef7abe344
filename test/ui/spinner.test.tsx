/**
 * One spinner: the wizard's running probes and `check`'s progress line draw
 * the same frames at the same pace (src/ui/spinner.ts); `check` off a
 * terminal stays plain (test/check/check-cli.test.ts, check-tty.test.ts).
 */
import React from 'react';
import spinners from 'cli-spinners';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeLines } from '../../src/ui/probe-lines.js';
import { SPINNER, spinnerFrame } from '../../src/ui/spinner.js';
import { renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

const db = 'pre-deployment/database';
const health = `${db}/health-endpoint-responding`;

describe('one spinner for the wizard and check', () => {
  it("is cli-spinners' dots, the frames ink-spinner draws", () => {
    expect(SPINNER).toBe(spinners.dots);
    expect(SPINNER.frames).toHaveLength(10);
    expect(SPINNER.interval).toBe(80);
  });

  it('check picks the frame by the time since it started: one frame per interval, wrapping', () => {
    const { interval, frames } = SPINNER;
    expect(spinnerFrame(0)).toBe(frames[0]);
    expect(spinnerFrame(interval - 1)).toBe(frames[0]);
    expect(spinnerFrame(interval)).toBe(frames[1]);
    expect(spinnerFrame(interval * frames.length + 1)).toBe(frames[0]);
  });

  it("the wizard's running probe line turns through the same frames", async () => {
    const { store } = makeStore({ script: () => 'hang' });
    store.getState().openSection(db, health);
    void store.getState().runItemProbes();
    ui = await renderUi(<ProbeLines store={store} />);
    const frameOf = (f: string) => /^(\S)\s+http/m.exec(f)?.[1];
    const first = frameOf(await ui.waitFor((f) => frameOf(f) !== undefined));
    expect(first).toBe(SPINNER.frames[0]);
    // The next frame follows in the same order.
    await ui.waitFor((f) => frameOf(f) === SPINNER.frames[1], 2000);
    store.getState().cancelProbes();
    await store.getState().flush();
  });
});
