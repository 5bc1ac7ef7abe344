/** A scripted probe runner and a store factory for tests (no Ink, no network). */
import type { ProbeJob, RunOptions } from '../../src/probes/runner.js';
import type { ProbeResult } from '../../src/probes/types.js';
import { createWizardStore, type WizardDeps } from '../../src/store/wizard-store.js';
import type { Checklist } from '../../src/checklist/types.js';
import type { Session } from '../../src/session/schema.js';
import { createMemorySession, newSessionDoc } from '../helpers/memory-session.js';
import { result, sampleChecklist } from './fixtures.js';

export type Script = (job: ProbeJob) => Partial<ProbeResult> | 'hang';

/** Runs each job by the script; 'hang' waits for the abort signal like a real probe's deadline. */
export function scriptedRunner(script: Script) {
  const calls: ProbeJob[][] = [];
  const run = async (jobs: ProbeJob[], opts: RunOptions): Promise<ProbeResult[]> => {
    calls.push(jobs);
    return Promise.all(
      jobs.map(async (job) => {
        opts.onStart?.(job);
        const out = script(job);
        let r: ProbeResult;
        if (out === 'hang') {
          await new Promise<void>((resolve) => {
            if (opts.signal?.aborted) return resolve();
            opts.signal?.addEventListener('abort', () => resolve(), { once: true });
          });
          r = result({ kind: job.spec.kind, spec: job.spec.raw, itemId: job.itemId, status: 'skipped', reason: 'cancelled', summary: 'cancelled' });
        } else {
          await new Promise((res) => setTimeout(res, 5));
          r = result({ kind: job.spec.kind, spec: job.spec.raw, itemId: job.itemId, ...out });
        }
        opts.onResult?.(r, job);
        return r;
      }),
    );
  };
  return { run, calls };
}

export function makeStore(opts: { checklist?: Checklist; session?: Partial<Session>; script?: Script; deps?: Partial<WizardDeps> } = {}) {
  const checklist = opts.checklist ?? sampleChecklist();
  const session = createMemorySession(newSessionDoc(checklist, opts.session));
  const runner = scriptedRunner(opts.script ?? (() => ({ status: 'pass' })));
  const store = createWizardStore({ checklist, session, runProbes: runner.run, vars: { APP_URL: 'http://127.0.0.1:1', DB_PASSWORD: 'hunter2secret' }, operator: 'alice', ...opts.deps });
  return { checklist, session, runner, store };
}
