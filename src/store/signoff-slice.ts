/** Sign-off: signing and revoking roles, completing (then the report), reopening. Each step is saved before it answers. */
import type { StateCreator } from 'zustand/vanilla';
import type { Checklist } from '../checklist/types.js';
import type { Change } from '../session/changes.js';
import type { Session } from '../session/schema.js';
import { completionBlockers, completionRefusal, currentCompletion, itemLabels, ownSignoffDraft, sessionFingerprint } from '../session/signoff.js';
import { statementFor, type ActionProof } from '../signing/guard.js';
import type { SignedStatement } from '../signing/message.js';
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

/** This terminal's signing key as the sign-off screen shows it before it signs, or why there is none. */
export interface SigningKeyState {
  principal?: string;
  fingerprint?: string;
  /** "ssh-agent" or the key file. */
  source?: string;
  problem?: string;
}

export interface SignoffSlice {
  /** The key that signs here (undefined: no allowed_signers anywhere, names only). */
  signingKey?: SigningKeyState;
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

    /**
     * The actor's key signature of a sign-off action, when this terminal has a
     * key (the core decides whether one is needed); a key that cannot sign is
     * the refusal line.
     */
    const prove = async (st: Omit<SignedStatement, 'principal' | 'at'>): Promise<{ proof?: ActionProof; error?: string }> => {
      const signer = deps.signer;
      if (!signer) return {};
      const principal = signer.principals[0];
      const at = new Date(ctx.now()).toISOString();
      try {
        const sshsig = await signer.sign(statementFor(st, { principal, at }));
        return { proof: { principal, key: signer.publicKey.fingerprint, at, sshsig } };
      } catch (err) {
        return { error: `could not sign with ${principal}'s key ${signer.publicKey.fingerprint}: ${ctx.redact(err instanceof Error ? err.message.split('\n')[0] : String(err))}` };
      }
    };

    /** One sign-off change, saved before it answers: true when it holds, else the refusal is the screen's error. */
    const signoffStep = async (change: Change, done: string): Promise<boolean> => {
      set({ signoff: { busy: true } });
      const refused = await ctx.applyNow(change);
      await get().flush();
      const failed = refused ?? (get().unsaved ? unsavedLine(get().unsaved!) : undefined);
      set({ signoff: failed ? { error: failed } : { notice: done }, error: undefined });
      return !failed;
    };

    const refuse = (error: string): false => {
      set({ signoff: { error }, error: undefined });
      return false;
    };

    const signer = deps.signer;
    const signingKey: SigningKeyState | undefined = signer
      ? { principal: signer.principals[0], fingerprint: signer.publicKey.fingerprint, source: signer.source }
      : deps.signerProblem
        ? { problem: deps.signerProblem }
        : undefined;

    return {
      checklist,
      signingKey,
      writeReport: deps.writeReport,
      signoff: {},
      async signRole(role, signature) {
        const doc = get().session;
        const fingerprint = sessionFingerprint(doc);
        const { proof, error } = await prove({ action: 'sign', session: doc.id, fingerprint, role });
        if (error) return refuse(error);
        const by = proof ? `${deps.operator} with ${proof.principal}'s key ${proof.key}` : deps.operator;
        return signoffStep({ type: 'signoff.sign', role, signature: signature.trim(), fingerprint, proof }, `signed ${role} as ${by}`);
      },
      async revokeRole(role) {
        const doc = get().session;
        const held = doc.signoff.signatures.find((x) => x.role === role);
        const { proof, error } = held ? await prove({ action: 'revoke', session: doc.id, fingerprint: held.fingerprint, role, ref: held.signed?.signedAt ?? held.date }) : {};
        if (error) return refuse(error);
        return signoffStep({ type: 'signoff.revoke', role, proof }, `revoked your signature of ${role}`);
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
        const reason = c.overrideReason?.trim() || undefined;
        // The session core's guard, previewed with the checklist's item texts; the core applies it again when the change lands.
        const blockers = completionBlockers(get().session, c.status, itemLabels(checklist));
        const refused = completionRefusal(blockers, c.status, reason);
        if (refused) {
          set({ signoff: { error: refused } });
          return false;
        }
        const acknowledged = [...new Set(blockers.map((b) => b.kind))];
        const doc = get().session;
        const completions = (doc.signoff.history ?? []).filter((h) => h.action === 'completed').length;
        const { proof, error } = await prove({ action: reason ? 'override' : 'complete', session: doc.id, fingerprint: sessionFingerprint(doc), status: c.status, reason, ref: String(completions) });
        if (error) return refuse(error);
        const ok = await signoffStep(
          { type: 'signoff.complete', status: c.status, notes: c.notes.trim(), nextSteps: c.nextSteps.trim(), overrideReason: reason, acknowledged, proof },
          `completed: ${c.status}${blockers.length ? ` over ${blockers.length} blocker${blockers.length === 1 ? '' : 's'} (override)` : ''}`,
        );
        // A completed session is read-only: no incident update is due any more (the incident stays in the record).
        if (ok) set({ incident: undefined });
        if (ok) await get().writeSignoffReport();
        return ok;
      },
      async reopenSession(reason) {
        const doc = get().session;
        const { proof, error } = reason.trim() ? await prove({ action: 'reopen', session: doc.id, fingerprint: sessionFingerprint(doc), reason: reason.trim(), ref: currentCompletion(doc)?.at }) : {};
        if (error) return refuse(error);
        return signoffStep({ type: 'signoff.reopen', reason: reason.trim(), proof }, 'reopened: the session takes changes again');
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
        const now = ownSignoffDraft(doc, deps.operator) ?? { status: rec.status, notes: rec.notes, nextSteps: rec.nextSteps, overrideReason: rec.override?.reason };
        const same = (now?.status ?? undefined) === next.status && (now?.notes ?? '') === next.notes && (now?.nextSteps ?? '') === next.nextSteps && (now?.overrideReason ?? undefined) === next.overrideReason;
        if (same) return;
        await get().apply({ type: 'signoff.draft', ...next });
      },
      clearSignoffFeedback(only) {
        set({ signoff: only === 'error' ? { ...get().signoff, error: undefined } : {} });
      },
    };
  };
