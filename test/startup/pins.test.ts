/**
 * Every third-party file the build patches is pinned (scripts/pins.mjs): the
 * installed package is the version and the text the patch was written for,
 * and the built dist/cli.js carries each patch (its marker in, the text it
 * replaces out). A failure names the package and both versions.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PINS, pinProblem } from '../../scripts/pins.mjs';

const root = join(import.meta.dirname, '..', '..');
const dirOf = (name: string) => join(root, 'node_modules', name);

describe('third-party patches, pinned', () => {
  it.each(PINS.map((p) => [p.name, p] as const))('%s: the installed copy is the pinned version and text', (_name, pin) => {
    const problem = pinProblem(pin, dirOf(pin.name));
    expect(problem, problem).toBeUndefined();
  });

  it.each(PINS.map((p) => [p.name, p] as const))('%s: the patch is in the built dist/cli.js', (_name, pin) => {
    const script = readFileSync(join(root, 'dist', 'cli.js'), 'latin1');
    if (pin.marker) expect(script.includes(pin.marker), `dist/cli.js lacks the mark of ${pin.patch} (${pin.name} ${pin.version}): the patch did not apply`).toBe(true);
    if (pin.replaced) expect(script.includes(pin.replaced), `dist/cli.js still holds "${pin.replaced}" that ${pin.patch} replaces in ${pin.name} ${pin.version}: the patch did not apply`).toBe(false);
    expect(pin.marker ?? pin.replaced).toBeTruthy();
  });

  it('a changed upstream file or version is named, with both versions', () => {
    const pin = PINS.find((p) => p.name === 'undici')!;
    const copy = mkdtempSync(join(tmpdir(), 'dw-pin-'));
    mkdirSync(dirname(join(copy, pin.file)), { recursive: true });
    cpSync(join(dirOf(pin.name), pin.file), join(copy, pin.file));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: pin.name, version: pin.version }));
    expect(pinProblem(pin, copy)).toBeUndefined();
    writeFileSync(join(copy, pin.file), readFileSync(join(copy, pin.file), 'utf8') + '\n// changed upstream\n');
    expect(pinProblem(pin, copy)).toMatch(new RegExp(`^undici ${pin.version.replace(/\./g, '\\.')}: ${pin.file}.* is not the text`));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: pin.name, version: '99.0.0' }));
    expect(pinProblem(pin, copy)).toContain(`undici 99.0.0 is installed, but ${pin.patch} was written for undici ${pin.version}`);
  });
});
