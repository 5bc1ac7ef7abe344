/** A whole report built from hostile notes, names and evidence stays well-formed and secret-free. */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderJson } from '../../src/report/json.js';
import { sessionFingerprint } from '../../src/session/signoff.js';
import { applyAll, emptySession, probe, smallChecklist } from './fixtures.js';

const EVIL = [
  'pipe | in | cells',
  'back`tick` and ```fence',
  '</details></summary><details open>',
  '<script>alert(1)</script>',
  'multi\nline\n# heading\n- list\n> quote',
  ']] "quote" ;%%{init: {"theme":"dark"}}%%',
  '[click](javascript:alert(1)) ![img](http://127.0.0.1/p.png)',
  '<img src=x onerror=alert(1)>',
  '&lt;b&gt;entity&lt;/b&gt;',
].join(' ');

const SECRET = 'S3cr3t-Pa55w0rd-xyz';

function hostileSession() {
  const checklist = smallChecklist();
  checklist.items[0].text = 'Backup | taken `now` </details>';
  let s = emptySession(checklist);
  s.environment = 'prod | <b>x</b>';
  s = applyAll(s, [
    { type: 'operator.join', name: 'Mallory <script>' },
    { type: 'item.note', itemId: 'db-backup', note: `${EVIL} and postgres://app:${SECRET}@127.0.0.1:5432/db` },
    { type: 'item.state', itemId: 'docs', state: 'skipped', reason: EVIL },
    probe('health', 'http', 'fail', `status 500 ${EVIL}`, { evidence: ['```', '</details>', `Authorization: Bearer ${SECRET}`, EVIL], metrics: { latency_ms: 12 }, spec: `http url="${EVIL}"` }),
    { type: 'incident', status: EVIL, severity: 'HIGH|LOW', impact: EVIL, eta: '`5m`', actions: EVIL },
  ]);
  const fp = sessionFingerprint(s);
  // The checklist's Sign-off table as the session stored it, with a hostile role in it.
  s = { ...s, signoff: { ...s.signoff, policy: { roles: ['Tech Lead', 'Evil | Role'] } } };
  s = applyAll(s, [{ type: 'signoff.sign', role: 'Tech Lead', signature: '| sig |', fingerprint: fp }], 30, EVIL);
  s = applyAll(s, [{ type: 'signoff.sign', role: 'Evil | Role', signature: 's', fingerprint: fp }], 31, 'n');
  s = applyAll(s, [{ type: 'signoff.complete', status: 'SUCCESS', notes: `${EVIL}\n${SECRET}`, nextSteps: EVIL, overrideReason: EVIL }], 32);
  return { s, checklist };
}

describe('report with hostile user text', () => {
  const { s, checklist } = hostileSession();
  const text = renderMarkdown(s, checklist, { vars: { DB_PASSWORD: SECRET } });
  const tokens = new MarkdownIt({ html: true }).parse(text, {});
  const flat = tokens.flatMap((t) => [t, ...(t.children ?? [])]);

  it('contains no HTML but our own <br>, <details> and <summary>', () => {
    const html = flat.filter((t) => t.type === 'html_inline' || t.type === 'html_block').map((t) => t.content.trim());
    for (const h of html) expect(h).toMatch(/^(<br>|<details>\n<summary>[^<]*<\/summary>|<\/details>)$/);
    expect(html.filter((h) => h.startsWith('<details>'))).toHaveLength(1);
    expect(html.filter((h) => h === '</details>')).toHaveLength(1);
    // Outside code blocks (where evidence is literal text) no raw tag survives.
    const outsideFences = text.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '');
    expect(outsideFences).toContain('&lt;script&gt;');
    expect(outsideFences).not.toMatch(/<script|<img|<b>|<\/summary><details/i);
  });

  it('creates no links, images, headings or code spans from user text', () => {
    expect(flat.some((t) => t.type === 'link_open' || t.type === 'image')).toBe(false);
    const headings = tokens.filter((t) => t.type === 'heading_open').length;
    // Title, 7 parts (incl. Response times), 3 item sections, Status history, Notes, Next Steps.
    expect(headings).toBe(1 + 7 + 3 + 1 + 2);
    const codeSpans = flat.filter((t) => t.type === 'code_inline').map((t) => t.content);
    expect(codeSpans.every((c) => /^[0-9a-f]+$/.test(c))).toBe(true);
  });

  it('keeps every table row whole: the sign-off table has one row per role', () => {
    const signoff = text.split('## Sign-off')[1].split('\n\n')[1].split('\n');
    expect(signoff).toHaveLength(2 + 5);
    for (const line of signoff) expect(line.replace(/\\\|/g, '').split('|').length - 2).toBe(5);
  });

  it('keeps Mermaid labels free of quotes, brackets and directives', () => {
    const mermaid = tokens.filter((t) => t.type === 'fence' && t.info === 'mermaid').map((t) => t.content);
    expect(mermaid.length).toBeGreaterThan(0);
    for (const m of mermaid) {
      expect(m).not.toContain('%%');
      for (const label of m.matchAll(/"([^"]*)"/g)) expect(label[1]).not.toMatch(/[\]\[;`<>]/);
    }
  });

  it('masks secrets from the variables and from URLs and headers, in Markdown and JSON', () => {
    expect(text).not.toContain(SECRET);
    // The mask itself is escaped like any text, so it cannot start emphasis.
    expect(text).toContain('postgres://app:\\*\\*\\*@127.0.0.1:5432/db');
    expect(text).toContain('Authorization: Bearer ***');
    const json = renderJson(s, checklist, { vars: { DB_PASSWORD: SECRET } });
    expect(json).not.toContain(SECRET);
    expect(JSON.parse(json).session.signoff.override.reason).toContain('pipe | in | cells');
  });
});
