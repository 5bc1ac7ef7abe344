// The third-party files the build patches or puts a fast path in front of
// (scripts/build.mjs), each pinned to the exact upstream version and the
// sha256 of the file's text the patch was written for. The build refuses a
// different version or text of a pinned file, naming the package; and
// test/startup/pins.test.ts checks the installed packages and the built
// dist/cli.js (each patch's marker is there, the text it replaces is not).
// After an upgrade: read the new file against the patch, then update the pin.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {object} Pin
 * @property {string} name the package
 * @property {string} version the exact version the patch was written for
 * @property {string} file the file the patch depends on, inside the package
 * @property {string} sha256 of that file's text
 * @property {string} patch what does the patching (a build plugin and its script)
 * @property {string} [marker] text the patch leaves in dist/cli.js
 * @property {string} [replaced] text the patch removes: never in dist/cli.js
 */

/** @type {Pin[]} */
export const PINS = [
  {
    name: 'string-width',
    version: '8.3.0',
    file: 'index.js',
    sha256: 'abc20775da6b552188b098688ebec671e29f5416d6339d3534bb7b016174003e',
    patch: 'the fast-string-width plugin (scripts/fast-string-width.mjs)',
    marker: 'fast-string-width (scripts/fast-string-width.mjs)',
  },
  {
    name: '@alcalzone/ansi-tokenize',
    version: '0.2.5',
    file: 'build/tokenize.js',
    sha256: '2685ddc940a005fb589f2af2182e90349fbe000da0b302c89ebbe782d97ade0d',
    patch: 'the fast-ansi-tokenize plugin (scripts/fast-ansi-tokenize.mjs)',
    marker: 'fast-ansi-tokenize (scripts/fast-ansi-tokenize.mjs)',
  },
  {
    name: 'undici',
    version: '7.30.2',
    file: 'lib/web/cookies/index.js',
    sha256: 'a50afdf4011c253e6e64b231a9914e7c516ce0352be9fe40ec60651fb2d7c4e8',
    patch: 'the undici-own-headers plugin (scripts/build.mjs)',
    replaced: 'globalThis.Headers].filter(Boolean)',
  },
];

/** The pin of `name`. */
export function pinOf(name) {
  const pin = PINS.find((p) => p.name === name);
  if (!pin) throw new Error(`build: no pin for ${name} in scripts/pins.mjs`);
  return pin;
}

/** sha256 of a file's text, hex. */
export function sha256Of(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * What is wrong with the copy of the pinned package in `dir` (its folder), in
 * one sentence naming package and versions; undefined when it is the one pinned.
 */
export function pinProblem(pin, dir) {
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (version !== pin.version) return `${pin.name} ${version} is installed, but ${pin.patch} was written for ${pin.name} ${pin.version}: read ${pin.file} of ${version} against the patch, then update its pin in scripts/pins.mjs`;
  const hash = sha256Of(join(dir, pin.file));
  if (hash !== pin.sha256) return `${pin.name} ${version}: ${pin.file} is not the text ${pin.patch} was written for (sha256 ${hash.slice(0, 12)}…, pinned ${pin.sha256.slice(0, 12)}…): read it against the patch, then update its pin in scripts/pins.mjs`;
  return undefined;
}

/** Throw (stopping the build) when the copy in `dir` is not the pinned one. */
export function assertPinned(pin, dir) {
  const problem = pinProblem(pin, dir);
  if (problem) throw new Error(`build: ${problem}`);
}
