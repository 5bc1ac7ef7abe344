/**
 * What the key checks read of a session, declared here so signing/ knows no
 * session module: the session document (session/schema.ts) satisfies these
 * shapes, and the compiler checks it wherever a session is handed in.
 */

/** A key signature recorded on a sign-off action. */
export interface KeySignature {
  principal: string;
  /** SHA256 fingerprint of the key. */
  key: string;
  /** ISO time in the signed statement. */
  signedAt: string;
  sshsig: string;
}

/** The allowed_signers text a session was set up with. */
export interface SessionSigning {
  allowedSigners: string;
  source: string;
  required?: boolean;
}

/** The parts of a session its signatures are checked against. */
export interface SignedSession {
  id: string;
  environment: string;
  status: string;
  signing?: SessionSigning;
  signoff: {
    signatures: ReadonlyArray<{ role: string; name: string; fingerprint: string; signed?: KeySignature }>;
    history?: ReadonlyArray<SignedHistoryEntry>;
  };
  /** The session's log: key-signed revocations are re-checked from it. */
  events: ReadonlyArray<{ at: string; who: string; what: string; detail?: string; signed?: KeySignature; signedFor?: { fingerprint: string; role?: string; ref?: string } }>;
}

/** One completion or reopening of the sign-off, as `verify` re-checks it. */
export interface SignedHistoryEntry {
  at: string;
  action: string;
  by: string;
  status?: string;
  overrideReason?: string;
  /** Why it was reopened. */
  reason?: string;
  /** The content fingerprint a key signed (older records have none). */
  fingerprint?: string;
  signed?: KeySignature;
}
