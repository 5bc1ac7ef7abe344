/**
 * The text a sign-off key signs: canonical, one `name: "value"` line each
 * (values JSON-quoted, so no value can forge another line), bound to the
 * session, the record's fingerprint, the action, the role and the time, so a
 * signature cannot be moved to another record, role or action.
 */
type SignedAction = 'sign' | 'revoke' | 'complete' | 'override' | 'reopen';

export interface SignedStatement {
  action: SignedAction;
  session: string;
  /** sessionFingerprint of the content vouched for. */
  fingerprint: string;
  principal: string;
  /** ISO time of the action. */
  at: string;
  role?: string;
  /** complete / override: the Deployment Status. */
  status?: string;
  /** override, reopen, revoke: why. */
  reason?: string;
  /** What the action refers to: revoke names the signature's date, reopen the completion's, complete the round (how many completions before). */
  ref?: string;
}

const ORDER: (keyof SignedStatement)[] = ['action', 'session', 'fingerprint', 'role', 'status', 'reason', 'ref', 'principal', 'at'];

export function statementText(s: SignedStatement): string {
  const lines = ['deploy-wizard sign-off statement v1'];
  for (const k of ORDER) if (s[k] !== undefined) lines.push(`${k}: ${JSON.stringify(s[k])}`);
  return lines.join('\n') + '\n';
}
