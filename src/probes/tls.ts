/**
 * tls probe: a node:tls handshake with SNI; reports whether the chain is
 * trusted, the certificate matches the host, days to expiry and the
 * negotiated protocol. The handshake is the subject here, so a certificate
 * problem is a `fail`; not reaching the port is an `error`.
 */
import type { z } from 'zod';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/tls.js';
import { describeNetError, linkDeadline, firstLine, netFailure } from './toolkit.js';

type Params = z.infer<typeof schema>;

const DAY_MS = 86_400_000;
const PROTOCOL_ORDER = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Whole days from `now` until `validTo` (negative once expired). */
function daysUntil(validTo: string, now = Date.now()): number {
  return Math.floor((Date.parse(validTo) - now) / DAY_MS);
}

interface Handshake {
  authorized: boolean;
  authorizationError?: string;
  cert: PeerCertificate;
  protocol: string | null;
}

/** The status, summary and evidence for a finished handshake. */
function judgeHandshake(params: Params, name: string, h: Handshake, identityError: string | undefined, now = Date.now()): ProbeOutcome {
  const days = daysUntil(h.cert.valid_to, now);
  const evidence = [
    `subject: ${h.cert.subject?.CN ?? '?'}; issuer: ${h.cert.issuer?.CN ?? h.cert.issuer?.O ?? '?'}`,
    h.cert.subjectaltname ? `subjectAltName: ${h.cert.subjectaltname}` : 'subjectAltName: (none)',
    `valid ${h.cert.valid_from} → ${h.cert.valid_to}`,
    `protocol: ${h.protocol ?? '?'}; chain: ${h.authorized ? 'trusted' : `not trusted (${h.authorizationError ?? 'unknown'})`}`,
  ];
  const metrics = { days_left: days };
  const fail = (summary: string): ProbeOutcome => ({ status: 'fail', summary, evidence, metrics });
  if (Date.parse(h.cert.valid_to) <= now) return fail(`certificate for ${name} expired ${-days <= 1 ? 'within the last day' : `${-days} days ago`} (${h.cert.valid_to})`);
  if (Date.parse(h.cert.valid_from) > now) return fail(`certificate for ${name} is not valid before ${h.cert.valid_from}`);
  if (identityError) return fail(`certificate does not match ${name}: ${identityError}`);
  if (!h.authorized) return fail(`certificate chain for ${name} is not trusted (${h.authorizationError ?? 'unknown reason'})`);
  const proto = h.protocol ?? '';
  if (PROTOCOL_ORDER.indexOf(proto) < PROTOCOL_ORDER.indexOf(params.min_version)) return fail(`${name} negotiated ${proto || 'an unknown protocol'}, below ${params.min_version}`);
  const base = `certificate for ${name} trusted, expires in ${days} day${days === 1 ? '' : 's'}, ${proto}`;
  if (days < params.min_days) return { status: 'warn', summary: `certificate for ${name} expires in ${days} day${days === 1 ? '' : 's'} (renew before ${params.min_days})`, evidence, metrics };
  return { status: 'pass', summary: base, evidence, metrics };
}

export const probe: Probe<Params> = async (params, ctx): Promise<ProbeOutcome> => {
  const tls = await import('node:tls');
  const name = params.servername ?? params.host;
  const where = `${params.host}:${params.port}`;
  let ca: string[] | undefined;
  if (params.ca) {
    const { readFile } = await import('node:fs/promises');
    try {
      ca = [...tls.rootCertificates, await readFile(params.ca, 'utf8')];
    } catch (err) {
      return { status: 'error', summary: `cannot read CA file ${params.ca} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, evidence: [] };
    }
  }
  const deadline = linkDeadline(ctx);
  let socket: TLSSocket | undefined;
  try {
    const h = await new Promise<Handshake>((resolve, reject) => {
      if (deadline.signal.aborted) return reject(deadline.signal.reason);
      const s = tls.connect({
        host: params.host,
        port: params.port,
        // SNI must be a name, never an IP literal.
        servername: /^[\d.]+$|:/.test(name) ? undefined : name,
        ca,
        // Observe the certificate even when it is bad: the verdict is ours.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        checkServerIdentity: () => undefined,
      });
      socket = s;
      const onAbort = () => reject(deadline.signal.reason);
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      s.once('secureConnect', () => {
        deadline.signal.removeEventListener('abort', onAbort);
        resolve({ authorized: s.authorized, authorizationError: s.authorizationError ? String(s.authorizationError) : undefined, cert: s.getPeerCertificate(), protocol: s.getProtocol() });
      });
      s.once('error', (err) => {
        deadline.signal.removeEventListener('abort', onAbort);
        reject(err);
      });
    });
    if (!h.cert || !h.cert.valid_to) return { status: 'fail', summary: `${where} sent no certificate`, evidence: [] };
    const identity = tls.checkServerIdentity(name, h.cert);
    return judgeHandshake(params, name, h, identity ? firstLine(identity.message) : undefined);
  } catch (err) {
    const reason = describeNetError(err, where, deadline);
    const code = (err as { code?: string })?.code ?? '';
    // A refused handshake (protocol too old, no shared cipher) is the subject of this check.
    if (/^ERR_SSL_|^EPROTO$/.test(code) && !deadline.timedOut()) return { status: 'fail', summary: `TLS handshake with ${where} refused: ${firstLine((err as Error).message)}`, evidence: [] };
    return netFailure(`TLS ${where}: ${reason}`, deadline);
  } finally {
    deadline.dispose();
    socket?.destroy();
  }
};
