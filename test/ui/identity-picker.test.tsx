/** The "who are you?" question of `resume` without --operator, through ink-testing-library. */
import React from 'react';
import { describe, expect, it } from 'vitest';
import { IdentityPicker } from '../../src/ui/identity-picker.js';
import { KEY, renderUi } from '../helpers/render.js';

function setup(operators: string[]) {
  const chosen: string[] = [];
  let cancelled = 0;
  const tree = <IdentityPicker sessionId="prod-1" operators={operators} onChoose={(n) => chosen.push(n)} onCancel={() => cancelled++} />;
  return { tree, chosen, cancelled: () => cancelled };
}

describe('IdentityPicker', () => {
  it('offers the session’s operators and someone else; ↓ and Enter choose one', async () => {
    const { tree, chosen } = setup(['Ada', 'Bob']);
    const ui = await renderUi(tree);
    expect(ui.frame()).toMatch(/❯ Ada\n\s+Bob\n\s+someone else \(type a name\)/);
    await ui.press(KEY.down, KEY.enter);
    expect(chosen).toEqual(['Bob']);
  });

  it('someone else: asks for a name, refuses an empty one, takes a typed one', async () => {
    const { tree, chosen } = setup(['Ada']);
    const ui = await renderUi(tree);
    await ui.press(KEY.down, KEY.enter);
    await ui.waitFor('Your name:');
    await ui.press(KEY.enter);
    await ui.waitFor('✗ type your name (as your team knows you)');
    await ui.press('Eve', KEY.enter);
    expect(chosen).toEqual(['Eve']);
  });

  it('Esc goes back from typing to the list, and cancels from the list', async () => {
    const { tree, chosen, cancelled } = setup(['Ada']);
    const ui = await renderUi(tree);
    await ui.press(KEY.down, KEY.enter);
    await ui.waitFor('Your name:');
    await ui.press(KEY.esc);
    await ui.waitFor('❯ Ada');
    await ui.press(KEY.esc);
    expect(cancelled()).toBe(1);
    expect(chosen).toEqual([]);
  });
});
