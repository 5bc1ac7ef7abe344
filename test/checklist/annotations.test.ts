import { describe, expect, it } from 'vitest';
import { findComments, parseAnnotation, splitWords } from '../../src/checklist/annotations.js';
import { parseChecklist } from '../../src/checklist/parse.js';
import { md } from './helpers.js';
import { KINDS } from '../../src/probes/registry.js';
import { validateProbe } from '../../src/probes/registry.js';

/** Problems of a document as `LINE: message` strings. */
function problems(text: string): string[] {
  return parseChecklist(text, 'c.md', validateProbe).problems.map((p) => `${p.line}: ${p.message}`);
}

describe('annotation tokenizer', () => {
  it('splits words with double quotes, escapes, single quotes and glued quotes', () => {
    expect(splitWords(`a=1 b="two words" c='x "y"' d=pre"fix" e="say \\"hi\\" \\\\ \\d+"`)).toEqual({
      ok: true,
      words: ['a=1', 'b=two words', 'c=x "y"', 'd=prefix', 'e=say "hi" \\ \\d+'],
    });
  });

  it('reports unterminated quotes', () => {
    expect(splitWords('a="open')).toEqual({ ok: false, message: 'unterminated double quote in annotation' });
    expect(splitWords("a='open")).toEqual({ ok: false, message: 'unterminated single quote in annotation' });
  });

  it('keeps ${VAR} and ${VAR:-default} values as written', () => {
    const r = parseAnnotation(' probe: postgres host=${DB_HOST} port=${DB_PORT:-5432} password="${DB_PASSWORD}" ');
    expect(r).toEqual({
      ok: true,
      annotation: { type: 'probe', kind: 'postgres', params: { host: '${DB_HOST}', port: '${DB_PORT:-5432}', password: '${DB_PASSWORD}' }, raw: 'postgres host=${DB_HOST} port=${DB_PORT:-5432} password="${DB_PASSWORD}"' },
    });
  });

  it('ignores comments that are not annotations and rejects malformed ones', () => {
    expect(parseAnnotation(' just a note ')).toBeNull();
    expect(parseAnnotation(' probe: ')).toEqual({ ok: false, message: 'probe annotation without a kind, e.g. <!-- probe: http url=... -->' });
    expect(parseAnnotation(' probe: http url')).toEqual({ ok: false, message: 'expected key=value in http probe, got "url"' });
    expect(parseAnnotation(' probe: http url=a url=b')).toEqual({ ok: false, message: 'parameter "url" given twice' });
    expect(parseAnnotation(' id: two words ')).toMatchObject({ ok: false });
    expect(parseAnnotation(' id: db-backup ')).toEqual({ ok: true, annotation: { type: 'id', id: 'db-backup' } });
  });

  it('finds comments and marks an unterminated last one', () => {
    expect(findComments('a <!-- x --> b <!-- y')).toEqual([
      { offset: 2, body: ' x ', terminated: true },
      { offset: 15, body: ' y', terminated: false },
    ]);
  });
});

describe('annotations attached to items', () => {
  const doc = md(`
    # T
    - [ ] Health <!-- probe: http url="https://\${DOMAIN}/health/" status=200 json.status=healthy timeout=5s label='Health endpoint' -->
    - [ ] Database
      <!-- probe: postgres host=\${DB_HOST} port=\${DB_PORT:-5432} least_privilege=true timeout=1500ms -->
      <!-- probe: tcp host=\${DOMAIN} port=6379 expect=closed id=redis-closed -->
    - [ ] Named item
      <!-- id: custom-id -->
    - [ ] Multi-line <!-- probe: dns
      name=\${DOMAIN} type=A -->
  `);
  const { checklist, problems: found } = parseChecklist(doc, 'ok.md', validateProbe);

  it('has no problems', () => {
    expect(found).toEqual([]);
  });

  it('reads kind, params (dynamic keys included), raw text, line, timeout and label', () => {
    expect(checklist.items[0].probes).toEqual([
      {
        kind: 'http',
        params: { url: 'https://${DOMAIN}/health/', status: '200', 'json.status': 'healthy' },
        raw: `http url="https://\${DOMAIN}/health/" status=200 json.status=healthy timeout=5s label='Health endpoint'`,
        line: 2,
        timeoutMs: 5000,
        label: 'Health endpoint',
      },
    ]);
    expect(checklist.items[0].text).toBe('Health');
  });

  it('attaches several annotations on following indented lines, each with its own line', () => {
    const db = checklist.items[1];
    expect(db.probes.map((p) => [p.kind, p.line, p.timeoutMs])).toEqual([
      ['postgres', 4, 1500],
      ['tcp', 5, undefined],
    ]);
    expect(db.id).toBe('redis-closed');
  });

  it('sets ids with <!-- id: --> and spans an annotation over lines', () => {
    expect(checklist.items[2].id).toBe('custom-id');
    expect(checklist.items[2].probes).toEqual([]);
    expect(checklist.items[3].probes[0]).toMatchObject({ kind: 'dns', line: 8, params: { name: '${DOMAIN}', type: 'A' } });
    expect(checklist.items[3].text).toBe('Multi-line');
  });

  it('ignores annotation-like text inside code', () => {
    const r = parseChecklist('# T\n- [ ] a `<!-- probe: nope -->`\n\n```\n<!-- probe: nope -->\n```\n', 'c.md', validateProbe);
    expect(r.problems).toEqual([]);
    expect(r.checklist.items[0].probes).toEqual([]);
  });
});

describe('validation problems, each on the annotation line', () => {
  it('unknown probe kind', () => {
    expect(problems('# T\n\n- [ ] a\n- [ ] b\n  <!-- probe: htttp url=https://x -->\n')).toEqual([
      `5: unknown probe kind "htttp" (known: http, tls, dns, tcp, postgres, redis, celery, command, twilio, webhook-signature, security, rate-limit, baseline, prometheus, secrets-scan, ${Object.keys(KINDS).slice(15).join(', ')})`,
    ]);
  });

  it('unknown parameter', () => {
    expect(problems('# T\n- [ ] a\n- [ ] b <!-- probe: tcp host=h port=1 expekt=closed -->\n')).toEqual([
      '3: unknown parameter "expekt" for tcp probe (known: host, port, expect)',
    ]);
  });

  it('kinds and parameters named like Object.prototype members are unknown, not members', () => {
    const known = `(known: ${Object.keys(KINDS).join(', ')})`;
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
    const text = ['# T', ...names.map((n) => `- [ ] ${n}\n  <!-- probe: ${n} x=1 -->`)].join('\n');
    expect(problems(text)).toEqual(names.map((n, i) => `${3 + 2 * i}: unknown probe kind "${n}" ${known}`));
    const params = names.map((n) => `${n}=1`).join(' ');
    expect(problems(`# T\n- [ ] a\n  <!-- probe: tcp host=h port=1 ${params} -->\n`)).toEqual(
      names.map((n) => `3: unknown parameter "${n}" for tcp probe (known: host, port, expect)`),
    );
  });

  it('a parameter given twice is caught by name, __proto__ too', () => {
    expect(problems('# T\n- [ ] a\n  <!-- probe: tcp host=h port=1 __proto__=1 __proto__=2 -->\n')).toEqual(['3: parameter "__proto__" given twice']);
    expect(problems('# T\n- [ ] a\n  <!-- probe: tcp host=h port=1 port=2 -->\n')).toEqual(['3: parameter "port" given twice']);
  });

  it('a huge or control-character kind is quoted short and printable', () => {
    const [line] = problems(`# T\n- [ ] a\n  <!-- probe: ${'k'.repeat(10_000)}\u001b[31m x=1 -->\n`);
    expect(line).toMatch(/^3: unknown probe kind "k{37}\.\.\." \(known: /);
    expect(problems('# T\n- [ ] a\n  <!-- probe: x\u001b]0;title\u0007 -->\n')[0]).toMatch(/^3: unknown probe kind "x\?" /);
    // A right-to-left override would make the quoted key read backwards.
    expect(problems('# T\n- [ ] a\n  <!-- probe: tcp host=h port=1 \u202eexpect=closed -->\n')).toEqual(['3: unknown parameter "?expect" for tcp probe (known: host, port, expect)']);
  });

  it('missing parameter', () => {
    expect(problems('# T\n\n\n- [ ] a\n  <!-- probe: twilio account_sid=${TWILIO_ACCOUNT_SID} -->\n')).toEqual([
      '5: missing parameter "auth_token" for twilio probe',
    ]);
  });

  it('bad value (schema), bad timeout and bad id', () => {
    expect(problems('# T\n- [ ] a\n  <!-- probe: tcp host=h port=abc -->\n')).toEqual(['3: parameter "port": Invalid input: expected number, received NaN']);
    expect(problems('# T\n- [ ] a\n  <!-- probe: http url=ftp:/x -->\n')).toEqual(['3: parameter "url": must be a URL like https://host/path']);
    expect(problems('# T\n- [ ] a\n- [ ] b\n  <!-- probe: dns name=x timeout=5x -->\n')).toEqual(['4: parameter "timeout": must be a duration like 250ms, 30s, 1m or 1h30m, got "5x"']);
    expect(problems('# T\n- [ ] a\n  <!-- probe: dns name=x id="has space" -->\n')).toEqual(['3: bad id "has space": use letters, digits, ".", "_", "-" or "/"']);
  });

  it('a ${VAR} value is not judged before substitution', () => {
    expect(problems('# T\n- [ ] a\n  <!-- probe: tcp host=h port=${DB_PORT:-5432} -->\n')).toEqual([]);
  });

  it('unterminated annotation on the item line and as a block', () => {
    expect(problems('# T\n- [ ] a\n- [ ] b <!-- probe: dns name=x\n- [ ] c\n')).toEqual(['3: unterminated annotation: "<!--" without a closing "-->"']);
    expect(problems('# T\n- [ ] a\n- [ ] b\n\n\n<!-- probe: dns name=x\n')).toEqual(['6: unterminated annotation: "<!--" without a closing "-->"']);
  });

  it('annotation not attached to an item: paragraph, under a heading before the list, unindented after an item', () => {
    const msg = "annotation not attached to a checklist item: put it on the item's line or indent it under the item";
    expect(problems('# T\n\nSome text <!-- probe: dns name=x -->\n\n- [ ] a\n')).toEqual([`3: ${msg}`]);
    expect(problems('# T\n## S\n<!-- probe: dns name=x -->\n- [ ] a\n')).toEqual([`3: ${msg}`]);
    expect(problems('# T\n- [ ] a\n<!-- id: x -->\n')).toEqual([`3: ${msg}`]);
    expect(problems('# T\n- [ ] a\n- plain\n  <!-- probe: dns name=x -->\n')).toEqual([`4: ${msg}`]);
  });

  it('duplicate explicit id, from id= and from <!-- id: -->', () => {
    const text = md(`
      # T
      - [ ] a <!-- id: same -->
      - [ ] b
      - [ ] c
        <!-- probe: dns name=x id=same -->
    `);
    expect(problems(text)).toEqual(['5: duplicate id "same" (already used on line 2)']);
  });

  it('two different ids on one item', () => {
    expect(problems('# T\n- [ ] a <!-- id: one -->\n  <!-- id: two -->\n')).toEqual(['3: item already has id "one" (line 2); give it one id']);
  });

  it('problems come back sorted by line with the file name', () => {
    const r = parseChecklist('# T\n- [ ] a\n  <!-- probe: nope -->\n<!-- probe: dns name=x -->\n- [ ] b <!-- probe: tcp -->\n', 'x/c.md', validateProbe);
    expect(r.problems.map((p) => [p.file, p.line])).toEqual([
      ['x/c.md', 3],
      ['x/c.md', 4],
      ['x/c.md', 5],
      ['x/c.md', 5],
    ]);
  });
});

describe('a plain HTML comment left open', () => {
  it('is reported with the lines it hides, instead of items silently missing', () => {
    expect(problems('# T\n- [ ] a\n\n<!-- a note\n- [ ] b\n- [ ] c\n')).toEqual(['4: unterminated HTML comment: "<!--" without "-->" hides lines 5-6']);
  });
});

describe('evidence strength: evidence=partial and <!-- manual: … -->', () => {
  const doc = [
    '# T',
    '## S',
    '- [ ] Zero-downtime deployment verified',
    '  <!-- probe: http url="https://x/health/" evidence=partial -->',
    '- [ ] Health endpoint',
    '  <!-- probe: http url="https://x/health/" evidence=full -->',
    '- [ ] Support team briefed',
    '  <!-- manual: needs a person: who was briefed, and when -->',
    '',
  ].join('\n');

  it('marks a probe partial as a runner-level key (not a kind parameter) and keeps a manual reason on its item', () => {
    const { checklist, problems: found } = parseChecklist(doc, 'c.md', validateProbe);
    expect(found).toEqual([]);
    const [zero, health, support] = checklist.items;
    expect(zero.probes[0].partial).toBe(true);
    expect(zero.probes[0].params).not.toHaveProperty('evidence');
    expect(health.probes[0].partial).toBeUndefined();
    expect(support.manual).toBe('needs a person: who was briefed, and when');
    expect(zero.manual).toBeUndefined();
  });

  it('refuses an unknown evidence value and a manual annotation without a reason, with their lines', () => {
    expect(problems('# T\n- [ ] a\n  <!-- probe: dns name=x evidence=some -->\n')).toEqual([
      '3: parameter "evidence": must be full or partial (partial: the probe proves part of the item, a person settles it)',
    ]);
    expect(problems('# T\n- [ ] a\n  <!-- manual:   -->\n')).toEqual(['3: manual annotation without a reason, e.g. <!-- manual: needs a person: who was told -->']);
    expect(problems('# T\n- [ ] a\n  <!-- manual: one -->\n  <!-- manual: two -->\n')).toEqual(['4: item already has a manual reason; give it one']);
  });
});
