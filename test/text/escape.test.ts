/** The one escaping module, attacked with hostile text (unit cases and generated strings). */
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { codeBlock, escapeBlock, escapeHtml, escapeInline, forTerminal, mermaidLabel } from '../../src/text/escape.js';

// GitHub renders raw HTML, so parse the way it does.
const md = new MarkdownIt({ html: true });

function decode(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** What survives escaping by design: controls removed, tabs as spaces, each line trimmed. */
function normalized(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/\t/g, '  ')
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((l) => l.trim())
    .join('\n');
}

const hostileChar = fc.constantFrom(
  '|', '`', '<', '>', '&', '*', '_', '[', ']', '(', ')', '!', '#', '\\', '\n', '\r', '$', '~', ' ', '\t', 'a', 'Z', '1', '.', '-', '+', '=', '"', "'", ':', '/', '{', '}', '%', ';', '\u202e', '\u0000',
);
const hostileString = fc.array(hostileChar, { maxLength: 40 }).map((a) => a.join(''));
const hostileWords = fc
  .array(fc.constantFrom('</details>', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', ']]', '```', '~~~', '| x | y |', '[link](javascript:alert(1))', '![i](http://127.0.0.1/x.png)', '&amp;', '&#60;', '\n# Owned\n', '\n---\n', '\n1. list', '    indented code', '%%{init: {}}%%', '"', '; ', 'A-->B', 'plain'), { maxLength: 8 })
  .map((a) => a.join(''));
const hostile = fc.oneof(hostileString, hostileWords);

describe('escapeInline', () => {
  it('keeps a table row intact and shows the text exactly, for any hostile text', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const html = md.render(`| h | after |\n| --- | --- |\n| ${escapeInline(s)} | END |\n`);
        const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)];
        expect(rows).toHaveLength(2);
        const cells = [...rows[1][1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
        expect(cells).toHaveLength(2);
        expect(cells[1]).toBe('END');
        // Only our own <br> is markup; everything else is text.
        expect(cells[0].replace(/<br>/g, '')).not.toMatch(/<[a-z/!]/i);
        expect(decode(cells[0].replace(/<br>/g, '\n'))).toBe(normalized(s));
      }),
      { numRuns: 400 },
    );
  });

  it('escapes the classic attacks', () => {
    expect(escapeInline('a | b')).toBe('a \\| b');
    expect(escapeInline('run `rm -rf /`')).toBe('run \\`rm -rf /\\`');
    expect(escapeInline('</details><script>x</script>')).toBe('&lt;/details&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(escapeInline('line1\nline2\r\nline3')).toBe('line1<br>line2<br>line3');
    expect(escapeInline('[x](javascript:alert(1))')).toBe('\\[x\\](javascript:alert(1))');
    expect(escapeInline('a]]b')).toBe('a\\]\\]b');
    expect(escapeInline('evil\u202egnp.exe')).toBe('evilgnp.exe');
  });
});

describe('escapeBlock', () => {
  it('stays one paragraph of text whatever the lines start with', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        fc.pre(normalized(s).trim() !== '');
        const tokens = md.parse(`### Notes\n\n${escapeBlock(s)}\n\n### After\n`, {});
        const blocks = tokens.filter((t) => t.level === 0 && t.nesting !== -1).map((t) => t.type);
        expect(blocks).toEqual(['heading_open', 'paragraph_open', 'heading_open']);
        const inline = tokens[4];
        expect(inline.children!.filter((c) => c.type === 'html_inline').every((c) => c.content === '<br>')).toBe(true);
        expect(inline.children!.some((c) => ['link_open', 'image', 'code_inline', 'em_open', 'strong_open', 's_open'].includes(c.type))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('neutralises headings, lists, quotes, rules and setext underlines at line starts', () => {
    expect(escapeBlock('# Owned\n- item\n1. first\n> quote\n---\n===\n+ plus')).toBe(
      '\\# Owned<br>\n\\- item<br>\n1\\. first<br>\n&gt; quote<br>\n\\---<br>\n\\===<br>\n\\+ plus',
    );
  });
});

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run, so evidence cannot close it', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const tokens = md.parse(`<details>\n<summary>x</summary>\n\n${codeBlock(s)}\n\n</details>\n`, {});
        const fences = tokens.filter((t) => t.type === 'fence');
        expect(fences).toHaveLength(1);
        expect(tokens.filter((t) => t.type === 'html_block').map((t) => t.content.trim())).toEqual(['<details>\n<summary>x</summary>', '</details>']);
      }),
      { numRuns: 300 },
    );
    expect(codeBlock('a ``` b\n````\n').startsWith('`````text\n')).toBe(true);
  });
});

describe('escapeHtml', () => {
  it('turns every markup character into an entity and newlines into spaces', () => {
    expect(escapeHtml(`</summary><script>"x" & 'y'\n`)).toBe('&lt;/summary&gt;&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39; ');
  });
});

describe('mermaidLabel', () => {
  it('never contains a character that ends a label or starts a directive', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const l = mermaidLabel(s);
        expect(l).not.toMatch(/["'`;\[\]{}<>#|\n\r]|%%/);
        expect(l.length).toBeGreaterThan(0);
        expect(l.length).toBeLessThanOrEqual(40);
      }),
      { numRuns: 400 },
    );
    expect(mermaidLabel('Health "checks"]] ; %%{init}%%')).toBe('Health checks % init %');
  });
});

describe('forTerminal: the one terminal sanitiser', () => {
  it.each([
    ['colour', 'a\u001b[31mred\u001b[0m b', 'ared b'],
    ['OSC window title (BEL)', 'x\u001b]0;pwned\u0007y', 'xy'],
    ['OSC 8 hyperlink (ST)', 'x\u001b]8;;http://127.0.0.1/\u001b\\link\u001b]8;;\u001b\\y', 'xlinky'],
    ['clear screen, 8-bit CSI', 'q\u009b2Jz', 'qz'],
    ['reset (ESC c)', 'a\u001bcb', 'ab'],
    ['cut-off CSI at the end', 'tail\u001b[', 'tail'],
    ['OSC never closed', 'open\u001b]0;never', 'open'],
    ['CR that would overwrite the line', 'PASS\rFAIL', 'PASS\nFAIL'],
    ['bidi override and NUL', 'a\u202eb\u0000c', 'abc'],
  ])('%s', (_name, input, out) => {
    expect(forTerminal(input)).toBe(out);
  });

  it('leaves ordinary text, line breaks and symbols as they are', () => {
    expect(forTerminal('Health › ✓ 200 OK — 12 ms\nnext [x] line')).toBe('Health › ✓ 200 OK — 12 ms\nnext [x] line');
  });

  it('never lets an ESC, CSI, OSC or BEL through, whatever the mix', () => {
    const piece = fc.constantFrom('\u001b', '[', ']', '0', ';', 'm', '\u0007', '\u009b', '\u009d', '\\', 'P', 'a', '\r', '\n', 'c', '2', 'J');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((a) => a.join('')), (text) => {
        // eslint-disable-next-line no-control-regex
        expect(forTerminal(text)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }),
    );
  });
});
