/**
 * The sign-off screen with SSH keys (the wizard's own store over an in-memory
 * session, a key from a real ssh-agent): it shows whose key will sign before
 * anything is signed; Enter signs with it and the session records principal,
 * key and SSHSIG; without a key in a session that requires signatures it says
 * why and the sign is refused; with no allowed_signers at all it says "names,
 * not signatures".
 */
import React from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, renderUi } from '../helpers/render.js';
import { SignoffScreen } from '../../src/ui/signoff/signoff-screen.js';
import { createWizardStore } from '../../src/store/wizard-store.js';
import { createMemorySession } from '../helpers/memory-session.js';
import { applyChange } from '../../src/session/changes.js';
import { parseAllowedSigners } from '../../src/signing/allowed-signers.js';
import { findSigner, type Signer } from '../../src/signing/signer.js';
import { emptySession, smallChecklist } from '../report/fixtures.js';
import type { Session } from '../../src/session/schema.js';
import { cleanup, makeKey, signerLine, startAgent, tempDir, type TestAgent } from '../helpers/ssh-keys.js';

let dir: string;
let agent: TestAgent;
let signer: Signer;
let allowedText: string;

beforeAll(async () => {
  dir = tempDir();
  const ada = makeKey(dir, 'ada');
  agent = await startAgent(dir);
  agent.add(ada);
  allowedText = `# deploy-wizard roles: ada@example.com = Tech Lead\n${signerLine('ada@example.com', ada)}\n`;
  signer = await findSigner({ allowed: parseAllowedSigners(allowedText, 'allowed_signers'), agentSocket: agent.socket });
});
afterAll(async () => {
  await agent?.stop();
  cleanup(dir);
});

function keyedSession(): Session {
  return applyChange(emptySession(), { type: 'signing.setup', allowedSigners: allowedText, source: 'allowed_signers', required: true }, { who: 'Ada', at: '2026-11-26T10:00:00.000Z' });
}

async function screen(session: Session, key: { signer?: Signer; signerProblem?: string }) {
  const mem = createMemorySession(session, 'Ada');
  const store = createWizardStore({ checklist: smallChecklist(), session: mem, runProbes: async () => [], vars: {}, operator: 'Ada', ...key });
  store.getState().openScreen('signoff');
  const ui = await renderUi(<SignoffScreen store={store} checklist={smallChecklist()} />);
  await ui.resize(24, 80);
  return { ui, store, mem };
}

describe('the sign-off screen with SSH keys', () => {
  it('shows the key that will sign, then signs Tech Lead with it', async () => {
    const { ui, mem } = await screen(keyedSession(), { signer });
    const frame = await ui.waitFor('🔑 ada@example.com');
    expect(frame).toContain(`🔑 ada@example.com ${signer.publicKey.fingerprint} · agent`);
    await ui.press('a', 'd', 'a', KEY.enter);
    await ui.waitFor('signed Tech Lead as Ada with ada@example.com');
    const sig = mem.current().signoff.signatures[0];
    expect(sig).toMatchObject({ role: 'Tech Lead', name: 'Ada', signed: { principal: 'ada@example.com', key: signer.publicKey.fingerprint } });
    expect(sig.signed!.sshsig).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
    ui.unmount();
  });

  it('without a key where signatures are required: says why, and the sign is refused', async () => {
    const { ui, mem } = await screen(keyedSession(), { signerProblem: 'no ssh-agent: SSH_AUTH_SOCK is not set; start one' });
    await ui.waitFor('⚠ signatures required, no key: no ssh-agent');
    await ui.press('a', 'd', 'a', KEY.enter);
    const frame = await ui.waitFor('needs your SSH key');
    expect(frame.replace(/\s+/g, ' ')).toContain('signing Tech Lead needs your SSH key: this session requires signatures');
    expect(mem.current().signoff.signatures).toEqual([]);
    ui.unmount();
  });

  it('with no allowed_signers at all: names, not signatures', async () => {
    const { ui } = await screen(emptySession(), {});
    expect(await ui.waitFor('names, not signatures')).toContain('you are Ada · names, not signatures');
    ui.unmount();
  });
});
