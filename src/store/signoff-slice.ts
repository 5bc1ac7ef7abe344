/** Sign-off: signing and revoking roles, completing (then the report), reopening. Each step is saved before it answers. */
import type { StateCreator } from 'zustand/vanilla';
import type { Checklist } from '../checklist/types.js';
import type { Change } from '../session/changes.js';
import type { Session } from '../session/schema.js';
import { completionGuard, sessionFingerprint, signoffPolicy, unsignedRoles } from '../session/signoff.js';
import type { WizardContext } from './wizard-context.js';
import { unsavedLine } from './sync-slice.js';
import type { Wizard } from './wizard-store.js';

export interface SignoffFeedback {
  error?: string;
  notice?: string;
  reportPath?: string;
  reportError?: string;
  /** A sign-off action is being saved. */
  busy?: boolean;
}

/** What completing the sign-off records besides the signatures already there. */
export interface Completion {
  status: string;
  notes: string;
  nextSteps: string;
  overrideReason?: string;
}

export interface SignoffSlice {
  /** The checklist walked (the sign-off screen reads roles and statuses from it). */
  checklist: Checklist;
  /** Report writer for the sign-off screen (see WizardDeps). */
  writeReport?: (session: Session) => Promise<string>;
  /** What the last sign-off action said: a refusal (`error`), what happened, where the report went. */
  signoff: SignoffFeedback;
  /** Sign `role` as this terminal's operator, bound to the session as it is now. */
  signRole(role: string, signature: string): Promise<boolean>;
  /** Withdraw this operator's own signature of `role`. */
  revokeRole(role: string): Promise<boolean>;
  /**
   * Sign `role` again over the session as it is now, with the signature this
   * operator gave it (after the session changed: ⚠ re-sign needed). Recorded
   * as what it is: a revoke and a sign, by the same person.
   */
  resignRole(role: string): Promise<boolean>;
  /** Record the status (every role signed, or an override reason), then write the report. */
  completeSignoff(c: Completion): Promise<boolean>;
  /** Make a completed session editable again (recorded with who and why). */
  reopenSession(reason: string): Promise<boolean>;
  /** Write the Markdown report of the session as it is now. */
  writeSignoffReport(): Promise<void>;
  /**
   * Keep the sign-off form (status, notes, next steps, override reason) in the
   * session as a draft: one change, written at once; nothing when it is what
   * the session holds already or the session is completed.
   */
  saveSignoffDraft(d: SignoffDraft): Promise<void>;
  /** Forget the sign-off screen's last message (`only: 'error'` keeps a notice and the report path). */
  clearSignoffFeedback(only?: 'error'): void;
}

/** The sign-off form as a draft (see Session['signoff']['draft']). */
export interface SignoffDraft {
  status?: string;
  notes: string;
  nextSteps: string;
  overrideReason?: string;
}

export const signoffSlice =
  (ctx: WizardContext): StateCreator<Wizard, [], [], SignoffSlice> =>
  (set, get) => {
    const { deps, checklist } = ctx;

    /** One sign-off change, saved before it answers: true when it holds, else the refusal is the screen's error. */
    const signoffStep = async (change: Change, done: string): Promise<boolean> => {
      set({ signoff: { busy: true } });
      const refused = await ctx.applyNow(change);
      await get().flush();
      const failed = refused ?? (get().unsaved ? unsavedLine(get().unsaved!) : undefined);
      set({ signoff: failed ? { error: failed } : { notice: done }, error: undefined });
      return !failed;
    };

    return {
      checklist,
      writeReport: deps.writeReport,
      signoff: {},
      async signRole(role, signature) {
        return signoffStep({ type: 'signoff.sign', role, signature: signature.trim(), fingerprint: sessionFingerprint(get().session), policy: signoffPolicy(checklist) }, `signed ${role} as ${deps.operator}`);
      },
      async revokeRole(role) {
        return signoffStep({ type: 'signoff.revoke', role }, `revoked your signature of ${role}`);
      },
      async resignRole(role) {
        const held = get().session.signoff.signatures.find((x) => x.role === role);
        if (!held || held.name !== deps.operator) {
          set({ signoff: { error: `${role} is not signed by you: there is nothing of yours to sign again` } });
          return false;
        }
        if (!(await signoffStep({ type: 'signoff.revoke', role, reason: 're-sign: the session changed since it was signed' }, `revoked your signature of ${role}`))) return false;
        return get().signRole(role, held.signature);
      },
      async completeSignoff(c) {
        const roles = signoffPolicy(checklist).roles;
        const reason = c.overrideReason?.trim() || undefined;
        const guard = completionGuard(get().session, checklist, c.status, reason);
        if (!guard.allowed) {
          set({ signoff: { error: `${c.status} is blocked by the Final Checklist (${guard.reasons.join('; ')}): give an override reason, or choose another status` } });
          return false;
        }
        const missing = unsignedRoles(get().session, roles);
        const ok = await signoffStep({ type: 'signoff.complete', status: c.status, notes: c.notes.trim(), nextSteps: c.nextSteps.trim(), overrideReason: reason, roles }, `completed: ${c.status}${missing.length ? ` with ${missing.length} unsigned (override)` : ''}`);
        if (ok) await get().writeSignoffReport();
        return ok;
      },
      async reopenSession(reason) {
        return signoffStep({ type: 'signoff.reopen', reason: reason.trim() }, 'reopened: the session takes changes again');
      },
      async writeSignoffReport() {
        await get().flush();
        if (!deps.writeReport) {
          set({ signoff: { ...get().signoff, reportError: 'no report writer was given; run deploy-wizard report ID' } });
          return;
        }
        try {
          set({ signoff: { ...get().signoff, reportPath: await deps.writeReport(get().session), reportError: undefined } });
        } catch (err) {
          set({ signoff: { ...get().signoff, reportError: ctx.redact(err instanceof Error ? err.message.split('\n')[0] : String(err)) } });
        }
      },
      async saveSignoffDraft(d) {
        const doc = get().session;
        if (doc.status === 'completed') return;
        const next = { status: d.status || undefined, notes: d.notes.trim(), nextSteps: d.nextSteps.trim(), overrideReason: d.overrideReason?.trim() || undefined };
        // Without a draft the screen opens on what was recorded (a reopened session): that needs no draft either.
        const rec = doc.signoff;
        const now = rec.draft ?? { status: rec.status, notes: rec.notes, nextSteps: rec.nextSteps, overrideReason: rec.override?.reason };
        const same = (now?.status ?? undefined) === next.status && (now?.notes ?? '') === next.notes && (now?.nextSteps ?? '') === next.nextSteps && (now?.overrideReason ?? undefined) === next.overrideReason;
        if (same) return;
        await get().apply({ type: 'signoff.draft', ...next });
      },
      clearSignoffFeedback(only) {
        set({ signoff: only === 'error' ? { ...get().signoff, error: undefined } : {} });
      },
    };
  };
