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
    history?: ReadonlyArray<{ action: string; by: string; status?: string; overrideReason?: string; signed?: KeySignature }>;
  };
}
