/**
 * `a` on an item with an announcement: the screen shows the message exactly as
 * it will be sent and its targets (audience and host, never the URL); n sends
 * nothing, y sends it once and returns to the section with what was answered.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';
import type { Delivery } from '../../src/notify/notify.js';
import { App } from '../../src/ui/app.js';
import { renderUi, type Rendered } from '../helpers/render.js';
import { makeStore } from './store-helpers.js';

const { checklist } = parseChecklist(
  ['# Release', '## Team Communication', '- [ ] Stakeholders notified', '  <!-- probe: session check=notified event=deployment.complete audience=stakeholders -->', '- [ ] Support team briefed', ''].join('\n'),
  'release.md',
  validateProbe,
);

let ui: Rendered | undefined;
afterEach(() => ui?.unmount());

async function start(targets = ['stakeholders (hooks.example.test)']) {
  const sent: Array<{ kind: string; audience?: string; itemId: string }> = [];
  const made = makeStore({
    checklist,
    deps: {
      announce: {
        preview: (kind, audience) => ({ text: `:white_check_mark: deploy-wizard: ${kind} for ${audience}`, targets }),
        send: async (kind, audience, itemId): Promise<Delivery[]> => {
          sent.push({ kind, audience, itemId });
          return [{ event: kind, audience, host: 'hooks.example.test', status: 200, text: 't', at: '2026-11-26T10:00:00.000Z' }];
        },
      },
    },
  });
  ui = await renderUi(<App checklist={made.checklist} store={made.store} />);
  made.store.getState().openSection(checklist.items[0].sectionId, checklist.items[0].id);
  return { ...made, ui, sent };
}

describe('the announce screen', () => {
  it('a shows the text and the targets; n sends nothing; a then y sends once and says what was answered', async () => {
    const { ui, sent, store } = await start();
    let f = await ui.waitFor('a announce');
    await ui.press('a');
    f = await ui.waitFor('Send the deployment.complete announcement to stakeholders (hooks.example.test)?');
    expect(f).toContain(':white_check_mark: deploy-wizard: deployment.complete for stakeholders');
    expect(f).toMatch(/y send {2}n\/Esc do not send/);
    await ui.press('n');
    await ui.waitFor('announcement not sent');
    expect(sent).toEqual([]);
    await ui.press('a');
    await ui.waitFor('Send the deployment.complete');
    await ui.press('y');
    f = await ui.waitFor('deployment.complete delivered to stakeholders (hooks.example.test) (HTTP 200)');
    expect(sent).toEqual([{ kind: 'deployment.complete', audience: 'stakeholders', itemId: checklist.items[0].id }]);
    expect(store.getState().screen).toBe('section');
  });

  it('every target is shown at 80 columns, however many (the question wraps, it is not cut)', async () => {
    const targets = ['stakeholders (stakeholders-webhook.hooks.example.test)', 'ops (ops-webhook.hooks.example.test)', 'support (support-webhook.hooks.example.test)'];
    const { ui } = await start(targets);
    await ui.resize(24, 80);
    await ui.waitFor('a announce');
    await ui.press('a');
    const f = await ui.waitFor('do not send');
    const flat = f.replace(/\s+/g, ' ');
    for (const t of targets) expect(flat).toContain(t);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('on an item without one, the footer has no a and a says why', async () => {
    const { ui, store, sent } = await start();
    store.getState().moveItem(1);
    const f = await ui.waitFor('▶ [ ] Support team briefed');
    expect(f).not.toContain('a announce');
    await ui.press('a');
    await ui.waitFor('this item sends no announcement');
    expect(sent).toEqual([]);
  });
});
