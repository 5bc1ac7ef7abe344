/**
 * git's / ssh-keygen's allowed_signers file (ssh-keygen(1), ALLOWED SIGNERS):
 *
 *   principals [options] keytype base64-key [comment]
 *
 * options: namespaces="…", valid-after=/valid-before= (YYYYMMDD[HHMM[SS]][Z]),
 * cert-authority (refused: certificates are not supported). ssh-keygen
 * refuses unknown options, so the roles a principal may sign are declared in
 * a comment it ignores:
 *
 *   # deploy-wizard roles: ada@example.com = Tech Lead, DevOps Engineer
 *
 * Pure: text in, entries out; a malformed line is FILE:LINE: message.
 */
import { KeyError, parsePublicKeyText, type SshPublicKey } from './keys.js';
import { NAMESPACE } from './sshsig.js';

interface AllowedSigner {
  line: number;
  principals: string[];
  namespaces?: string[];
  validAfter?: Date;
  validBefore?: Date;
  key: SshPublicKey;
}

export interface AllowedSigners {
  path: string;
  entries: AllowedSigner[];
  /** Roles by principal, from `# deploy-wizard roles:` comments (none: every listed principal may sign any role). */
  roles: Map<string, string[]>;
}

export class AllowedSignersError extends Error {}

const ROLES_DIRECTIVE = /^#\s*deploy-wizard\s+roles:\s*(.*)$/i;

/** A token: a run of non-blank characters where a double-quoted part may hold blanks. */
function nextToken(s: string, from: number): { token: string; end: number } | undefined {
  let i = from;
  while (i < s.length && /\s/.test(s[i])) i++;
  if (i >= s.length) return undefined;
  let j = i;
  let quoted = false;
  while (j < s.length && (quoted || !/\s/.test(s[j]))) {
    if (s[j] === '"') quoted = !quoted;
    j++;
  }
  if (quoted) throw new AllowedSignersError('unterminated quote');
  return { token: s.slice(i, j), end: j };
}

const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1) : s);

/** ssh-keygen's absolute time: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, UTC with a trailing Z, else local time. */
function parseSshTime(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/i.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', z] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const date = z ? new Date(Date.UTC(...parts)) : new Date(...parts);
  if (Number.isNaN(date.getTime()) || date.getUTCMonth() !== (z ? parts[1] : date.getUTCMonth())) return undefined;
  return date;
}

function parseOptions(opts: string, e: Partial<AllowedSigner>): void {
  // Split on commas outside quotes.
  const list: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of opts) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      list.push(cur);
      cur = '';
    } else cur += ch;
  }
  list.push(cur);
  for (const opt of list) {
    const eq = opt.indexOf('=');
    const name = (eq < 0 ? opt : opt.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? undefined : unquote(opt.slice(eq + 1));
    if (name === 'cert-authority') {
      throw new AllowedSignersError('cert-authority lines are not supported by deploy-wizard: list each signer\'s own key instead');
    } else if (name === 'namespaces' && value !== undefined) {
      if (e.namespaces) throw new AllowedSignersError('multiple "namespaces" clauses');
      e.namespaces = value.split(',').map((x) => x.trim()).filter(Boolean);
    } else if ((name === 'valid-after' || name === 'valid-before') && value !== undefined) {
      const t = parseSshTime(value);
      if (!t) throw new AllowedSignersError(`invalid "${name}" time "${value}" (YYYYMMDD[HHMM[SS]][Z])`);
      if (name === 'valid-after') e.validAfter = t;
      else e.validBefore = t;
    } else if (eq < 0) {
      throw new AllowedSignersError(`"${opt}" is neither a key type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …) nor an option (namespaces=, valid-after=, valid-before=)`);
    } else {
      throw new AllowedSignersError(`unknown option "${opt}" (ssh-keygen knows namespaces=, valid-after=, valid-before=, cert-authority; declare roles in a "# deploy-wizard roles:" comment)`);
    }
  }
  if (e.validAfter && e.validBefore && e.validBefore <= e.validAfter) throw new AllowedSignersError('"valid-before" time is before "valid-after"');
}

/** Parse the file's text; `path` names it in errors (FILE:LINE: message). */
export function parseAllowedSigners(text: string, path: string): AllowedSigners {
  const entries: AllowedSigner[] = [];
  const roles = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `${path}:${i + 1}`;
    if (!line) return;
    if (line.startsWith('#')) {
      const d = ROLES_DIRECTIVE.exec(line);
      if (!d) return;
      const m = /^(.+?)\s*=\s*(.+)$/.exec(d[1]);
      if (!m) throw new AllowedSignersError(`${where}: a roles comment reads "# deploy-wizard roles: PRINCIPAL = Role, Role"`);
      const p = unquote(m[1].trim());
      roles.set(p, [...(roles.get(p) ?? []), ...m[2].split(',').map((r) => r.trim()).filter(Boolean)]);
      return;
    }
    try {
      const first = nextToken(line, 0)!;
      const principals = unquote(first.token).split(',').map((p) => p.trim()).filter(Boolean);
      if (!principals.length) throw new AllowedSignersError('no principal');
      const second = nextToken(line, first.end);
      if (!second) throw new AllowedSignersError('missing key (expected: principals [options] keytype base64-key)');
      const e: Partial<AllowedSigner> = { line: i + 1, principals };
      let keyFrom = second.end - second.token.length;
      if (!/^(ssh-|ecdsa-|sk-)/.test(second.token)) {
        parseOptions(second.token, e);
        const third = nextToken(line, second.end);
        if (!third) throw new AllowedSignersError('missing key after the options');
        keyFrom = third.end - third.token.length;
      }
      e.key = parsePublicKeyText(line.slice(keyFrom));
      entries.push(e as AllowedSigner);
    } catch (err) {
      if (err instanceof AllowedSignersError || err instanceof KeyError) throw new AllowedSignersError(`${where}: ${err.message}`);
      throw err;
    }
  });
  for (const p of roles.keys()) {
    if (!entries.some((e) => e.principals.some((x) => matchPattern(p, x)))) {
      const at = lines.findIndex((l) => ROLES_DIRECTIVE.test(l.trim()) && l.includes(p));
      throw new AllowedSignersError(`${path}:${at + 1}: roles are given to "${p}", who has no key line in the file`);
    }
  }
  return { path, entries, roles };
}

/** OpenSSH's pattern match: * and ?, whole string. */
function matchPattern(s: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(s);
}

/** match_pattern_list: a negated pattern (!p) that matches excludes. */
function principalListed(principal: string, list: string[]): boolean {
  let hit = false;
  for (const p of list) {
    if (p.startsWith('!')) {
      if (matchPattern(principal, p.slice(1))) return false;
    } else if (matchPattern(principal, p)) hit = true;
  }
  return hit;
}

/** Principals named plainly (no pattern) on the lines that hold this key. */
export function principalsOfKey(allowed: AllowedSigners, fingerprint: string): string[] {
  return [...new Set(allowed.entries.filter((e) => e.key.fingerprint === fingerprint).flatMap((e) => e.principals.filter((p) => !/[*?!]/.test(p))))];
}

export interface SignerCheck {
  /** The principal the key signs as, when allowed. */
  principal?: string;
  /** Why the key may not sign this: one phrase naming which rule (not listed, expired, not yet valid, namespace, role). */
  refused?: string;
}

const day = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/**
 * May the key `fingerprint` sign as `principal` at time `at` (for `role`, when
 * one is given)? Follows ssh-keygen -Y verify: a line that lists the principal
 * and the key, whose namespaces and validity allow it; then our roles.
 */
export function checkSigner(allowed: AllowedSigners, fingerprint: string, opts: { principal?: string; at: Date; role?: string; namespace?: string }): SignerCheck {
  const ns = opts.namespace ?? NAMESPACE;
  const lines = allowed.entries.filter((e) => e.key.fingerprint === fingerprint);
  if (!lines.length) return { refused: `key ${fingerprint} is not listed in ${allowed.path}` };
  const forPrincipal = opts.principal ? lines.filter((e) => principalListed(opts.principal!, e.principals)) : lines;
  if (!forPrincipal.length) {
    return { refused: `key ${fingerprint} is listed in ${allowed.path} for ${principalsOfKey(allowed, fingerprint).join(', ') || 'other principals'}, not for ${opts.principal}` };
  }
  let last = '';
  for (const e of forPrincipal) {
    const where = `${allowed.path}:${e.line}`;
    if (e.namespaces && !e.namespaces.some((p) => matchPattern(ns, p))) {
      last = `key ${fingerprint} is not allowed to sign in namespace "${ns}" (${where}: namespaces="${e.namespaces.join(',')}")`;
      continue;
    }
    if (e.validAfter && opts.at < e.validAfter) {
      last = `key ${fingerprint} is not yet valid at ${day(opts.at)} (${where}: valid-after ${day(e.validAfter)})`;
      continue;
    }
    if (e.validBefore && opts.at > e.validBefore) {
      last = `key ${fingerprint} expired at ${day(e.validBefore)} (${where}: valid-before), signing at ${day(opts.at)}`;
      continue;
    }
    const principal = opts.principal ?? e.principals.find((p) => !/[*?!]/.test(p)) ?? e.principals[0];
    if (opts.role && allowed.roles.size > 0) {
      const roles = rolesOf(allowed, principal);
      if (!roles.includes(opts.role)) {
        last = roles.length
          ? `${principal} may sign ${roles.join(', ')} in ${allowed.path}, not ${opts.role}`
          : `${principal} has no role in ${allowed.path} (add "# deploy-wizard roles: ${principal} = ${opts.role}")`;
        continue;
      }
    }
    return { principal };
  }
  return { refused: last };
}

/** The roles declared for `principal` (patterns in the directive match too). */
export function rolesOf(allowed: AllowedSigners, principal: string): string[] {
  return [...allowed.roles.entries()].filter(([p]) => matchPattern(principal, p)).flatMap(([, r]) => r);
}
