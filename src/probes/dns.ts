/**
 * dns probe: asks a node:dns Resolver (the system's, or `server=host:port`)
 * for A / AAAA / CNAME / ANY records, optionally expecting one of a list of
 * answers. NXDOMAIN and "no such record" fail; an unreachable resolver errors.
 */
import { isIP } from 'node:net';
import type { z } from 'zod';
import type { Probe, ProbeOutcome } from './types.js';
import type { params as schema } from './kinds/dns.js';
import { linkDeadline, firstLine } from './toolkit.js';
import { cancelled, cannotJudgeHere, timedOut } from './verdict.js';

type Params = z.infer<typeof schema>;

/** Answers a query gets, as plain strings (addresses, CNAME targets, `MX 10 mail.x`). */
type Lookup = (name: string) => Promise<string[]>;

/** Normalise a name or address for comparison (case, trailing dot). */
function norm(s: string): string {
  return s.trim().toLowerCase().replace(/\.$/, '');
}

/** Does any answer equal any expected value? */
function matchesExpectation(answers: string[], expect: string): boolean {
  const wanted = expect.split(',').map(norm).filter(Boolean);
  return answers.some((a) => wanted.includes(norm(a)));
}

export const probe: Probe<Params> = async (params, ctx): Promise<ProbeOutcome> => {
  // An address is not a name: asking a resolver about it would only send a
  // pointless query to whatever resolver the machine has.
  if (isIP(params.name)) {
    return cannotJudgeHere(`${params.name} is an IP address, not a DNS name: nothing to resolve (set DOMAIN to the public name the records are for)`);
  }
  // localhost is answered by this machine itself (RFC 6761), never by public DNS.
  if (/^localhost\.?$|\.localhost\.?$/i.test(params.name.trim())) {
    return cannotJudgeHere(`${params.name} is this machine's own name: its answer here says nothing about public DNS (set DOMAIN to the public name)`);
  }
  const { Resolver } = await import('node:dns/promises');
  const deadline = linkDeadline(ctx);
  // One try, and a per-try timeout inside the budget: the deadline ends it either way.
  const resolver = new Resolver({ timeout: Math.max(100, deadline.budgetMs - 50), tries: 1 });
  const via = params.server ? ` via ${params.server}` : '';
  if (params.server) {
    try {
      resolver.setServers([params.server]);
    } catch (err) {
      deadline.dispose();
      return { status: 'error', summary: `resolver "${params.server}" is not host:port (${firstLine((err as Error).message)})`, evidence: [] };
    }
  }
  const lookups: Record<Params['type'], Lookup> = {
    A: (n) => resolver.resolve4(n),
    AAAA: (n) => resolver.resolve6(n),
    CNAME: (n) => resolver.resolveCname(n),
    ANY: async (n) =>
      (await resolver.resolveAny(n)).map((r) => {
        const rec = r as unknown as Record<string, unknown>;
        const value = rec.address ?? rec.value ?? rec.exchange ?? (Array.isArray(rec.entries) ? (rec.entries as string[]).join('') : undefined) ?? rec.nsname ?? JSON.stringify(rec);
        return String(value);
      }),
  };
  const onAbort = () => resolver.cancel();
  deadline.signal.addEventListener('abort', onAbort, { once: true });
  const label = `${params.type} ${params.name}${via}`;
  try {
    const answers = await Promise.race([
      lookups[params.type](params.name),
      new Promise<never>((_, reject) => {
        if (deadline.signal.aborted) reject(deadline.signal.reason);
        deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true });
      }),
    ]);
    const evidence = answers.slice(0, 10).map((a) => `${params.type} ${a}`);
    if (params.expect && !matchesExpectation(answers, params.expect)) {
      return { status: 'fail', summary: `${label} → ${answers.join(', ')} (expected ${params.expect})`, evidence };
    }
    return { status: 'pass', summary: `${label} → ${answers.join(', ')}`, evidence };
  } catch (err) {
    if (deadline.timedOut()) return timedOut(`${label}: no answer within ${deadline.budgetMs} ms`);
    if (deadline.cancelled()) return cancelled();
    const code = (err as { code?: string }).code ?? '';
    if (code === 'ENOTFOUND') return { status: 'fail', summary: `${params.name} does not exist (NXDOMAIN)${via}`, evidence: [] };
    if (code === 'ENODATA') return { status: 'fail', summary: `${params.name} has no ${params.type} record${via}`, evidence: [] };
    if (code === 'ETIMEOUT') return { status: 'error', summary: `${label}: no answer from the resolver`, evidence: [] };
    if (code === 'ECONNREFUSED') return { status: 'error', summary: `${label}: resolver refused the connection`, evidence: [] };
    if (code === 'ESERVFAIL' || code === 'EREFUSED') return { status: 'error', summary: `${label}: resolver answered ${code.slice(1)}`, evidence: [] };
    return { status: 'error', summary: `${label}: ${firstLine((err as Error).message)}${code ? ` (${code})` : ''}`, evidence: [] };
  } finally {
    deadline.signal.removeEventListener('abort', onAbort);
    deadline.dispose();
  }
};
