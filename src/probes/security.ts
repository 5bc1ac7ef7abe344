/**
 * security probe: the production hardening a Django app behind a proxy
 * should show: security headers, HTTP→HTTPS redirect, no DEBUG technical
 * page on a missing path, and a bogus Host header rejected (ALLOWED_HOSTS).
 * Each part is a finding; the worst finding is the probe's status.
 */
import type { z } from 'zod';
import type { Probe, ProbeOutcome, ProbeStatus } from './types.js';
import type { params as schema } from './kinds/security.js';
import { describeNetError, hostPort, linkDeadline, netFailure } from './toolkit.js';
import { CaFileError, statusLine, type HttpAnswer, lookingPastTls } from './net-http.js';
import { randomBytes } from 'node:crypto';
import { worstStatus } from './verdict.js';

type Params = z.infer<typeof schema>;

export interface Finding {
  status: ProbeStatus;
  text: string;
}

const YEAR_S = 31_536_000;

/** Text of Django's technical 404/500 pages, shown only with DEBUG = True. */
const DEBUG_MARKERS = ["You're seeing this error because you have DEBUG = True", 'Using the URLconf defined in', 'technical_500', 'Django tried these URL patterns'];

/** Findings on the four security headers of one answer. */
export function headerFindings(headers: Record<string, string>): Finding[] {
  const out: Finding[] = [];
  const hsts = headers['strict-transport-security'];
  if (!hsts) out.push({ status: 'fail', text: 'Strict-Transport-Security missing' });
  else {
    const m = hsts.match(/max-age\s*=\s*"?(\d+)/i);
    const age = m ? Number(m[1]) : 0;
    if (age >= YEAR_S) out.push({ status: 'pass', text: `HSTS max-age=${age}` });
    else out.push({ status: 'warn', text: `HSTS max-age=${age} is below 1 year (${YEAR_S})` });
  }
  // A header sent twice (the app's ingress adds these on top of Django's) arrives as "a, a": judge every copy.
  const copies = (v: string) => v.split(',').map((x) => x.trim());
  const nosniff = headers['x-content-type-options'];
  if (nosniff && copies(nosniff).every((v) => v.toLowerCase() === 'nosniff')) out.push({ status: 'pass', text: 'nosniff' });
  else out.push({ status: 'fail', text: nosniff ? `X-Content-Type-Options is "${nosniff}", not nosniff` : 'X-Content-Type-Options missing' });
  const xfo = headers['x-frame-options'];
  if (xfo && copies(xfo).every((v) => /^(deny|sameorigin)$/i.test(v)) && new Set(copies(xfo).map((v) => v.toUpperCase())).size === 1) {
    out.push({ status: 'pass', text: `X-Frame-Options ${copies(xfo)[0].toUpperCase()}` });
  } else out.push({ status: 'fail', text: xfo ? `X-Frame-Options is "${xfo}" (expected DENY or SAMEORIGIN)` : 'X-Frame-Options missing' });
  const rp = headers['referrer-policy'];
  if (rp && !/^unsafe-url$/i.test(rp.trim())) out.push({ status: 'pass', text: `Referrer-Policy ${rp.trim()}` });
  else out.push({ status: 'fail', text: rp ? 'Referrer-Policy is unsafe-url' : 'Referrer-Policy missing' });
  return out;
}

/** Finding on the answer to http://: a permanent redirect to https://. */
function redirectFinding(httpUrl: string, a: HttpAnswer): Finding {
  const loc = a.headers.location ?? '';
  if (!loc.startsWith('https://')) return { status: 'fail', text: `${httpUrl} answered ${a.status}${loc ? ` → ${loc}` : ''}, not a redirect to https://` };
  if (a.status === 301 || a.status === 308) return { status: 'pass', text: `http:// → ${a.status} https://` };
  return { status: 'warn', text: `http:// → ${a.status} (temporary) to https://; use 301 or 308` };
}

/** Finding on a missing page's body: the DEBUG technical page must not show. */
function debugFinding(a: HttpAnswer): Finding {
  const marker = DEBUG_MARKERS.find((m) => a.body.includes(m));
  if (marker) return { status: 'fail', text: `DEBUG page shown on a missing path (${a.status}, "${marker}"): DEBUG = True in production` };
  return { status: 'pass', text: `no DEBUG page (${a.status})` };
}

/** Finding on the answer to a request with Host: bogus.invalid. */
function bogusHostFinding(a: HttpAnswer): Finding {
  if (a.status >= 400 && a.status < 500) return { status: 'pass', text: `bogus Host rejected with ${a.status}` };
  return { status: 'fail', text: `bogus Host accepted with ${a.status}: ALLOWED_HOSTS is not enforced` };
}

/** The http:// twin of a URL: same host on `port` (default 80), same path. */
export function httpTwin(url: string, port = 80): string {
  const u = new URL(url);
  if (u.protocol === 'http:') return u.toString();
  u.protocol = 'http:';
  u.port = port === 80 ? '' : String(port);
  return u.toString();
}

function worst(findings: Finding[]): ProbeStatus {
  return worstStatus(findings.map((f) => f.status), 'pass' as ProbeStatus);
}

export const probe: Probe<Params> = lookingPastTls(async (params, ctx, createHttpClient): Promise<ProbeOutcome> => {
  let base: URL;
  try {
    base = new URL(params.url);
  } catch {
    return { status: 'error', summary: `${params.url}: not a valid URL`, evidence: [] };
  }
  const deadline = linkDeadline(ctx);
  let client;
  try {
    client = await createHttpClient({ ca: params.ca, tlsHost: base.hostname.replace(/^\[|\]$/g, '') });
  } catch (err) {
    deadline.dispose();
    if (err instanceof CaFileError) return { status: 'error', summary: err.message, evidence: [] };
    throw err;
  }
  const findings: Finding[] = [];
  const evidence: string[] = [];
  // One failed step (a refused port 80, say) is an error finding; the others still run.
  const step = async (label: string, url: string, run: (a: HttpAnswer) => Finding | Finding[], headers?: Record<string, string>) => {
    try {
      const a = await client.call(url, { headers, maxBody: 256 * 1024 }, deadline.signal);
      evidence.push(`${label}: ${statusLine(a.status)}${a.headers.location ? ` → ${a.headers.location}` : ''}`);
      findings.push(...([] as Finding[]).concat(run(a)));
      return a;
    } catch (err) {
      if (deadline.signal.aborted) throw err;
      // Closing the connection on a bogus Host (nginx's 444) is a rejection too.
      const code = (err as { cause?: { code?: string }; code?: string }).code;
      if (label === 'bogus Host' && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')) {
        findings.push({ status: 'pass', text: 'bogus Host rejected (connection closed)' });
        return undefined;
      }
      const where = hostPort(new URL(url));
      findings.push({ status: 'error', text: `${label}: ${describeNetError(err, where, deadline)}` });
      return undefined;
    }
  };
  try {
    if (params.headers) {
      await step('headers', base.toString(), (a) => {
        for (const n of ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy']) if (a.headers[n]) evidence.push(`${n}: ${a.headers[n]}`);
        return headerFindings(a.headers);
      });
    }
    if (params.redirect) {
      const twin = httpTwin(params.url, params.http_port);
      // Named by its URL: "redirect check http://host/path: connection refused on host:80".
      await step(`redirect check ${twin}`, twin, (a) => redirectFinding(twin, a));
    }
    if (params.debug) {
      const missing = new URL(`/deploy-wizard-missing-${randomBytes(6).toString('hex')}/`, base).toString();
      await step('missing path', missing, (a) => {
        const f = debugFinding(a);
        if (f.status === 'fail') evidence.push(`missing path body: ${a.body.replace(/\s+/g, ' ').slice(0, 300)}`);
        return f;
      });
    }
    if (params.bogus_host) {
      await step('bogus Host', base.toString(), bogusHostFinding, { host: 'bogus.invalid' });
    }
  } catch (err) {
    deadline.dispose();
    await client.close();
    return netFailure(`security ${base.origin}: ${describeNetError(err, hostPort(base), deadline)}`, deadline, evidence);
  }
  deadline.dispose();
  await client.close();
  if (!findings.length) return { status: 'skipped', summary: 'security: every check turned off', evidence };
  const status = worst(findings);
  const bad = findings.filter((f) => f.status !== 'pass');
  const summary = bad.length ? `${base.origin}: ${bad.map((f) => f.text).join('; ')}` : `${base.origin}: ${findings.map((f) => f.text).join(', ')}`;
  return { status, summary, evidence: [...evidence, ...findings.map((f) => `${f.status.toUpperCase()} ${f.text}`)] };
});
