/**
 * Given a child process applying changes in a loop, when it is killed with
 * SIGKILL at random moments (300 times in all), then after every kill the
 * session file parses and validates, holds every acknowledged change, and holds
 * at most one change beyond the last acknowledged one (the one in flight).
 */
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { createFileStore } from '../../src/session/file-store.js';
import { diagnose } from '../../src/session/session-file.js';
import { bundleChild, kill9, runChild } from './child.js';

const LANES = 2;
const PRELOAD = 3;
const KILLS_PER_LANE = Number(process.env.DW_CRASH_KILLS ?? 150);

let script: string;
beforeAll(async () => {
  script = await bundleChild();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The change numbers recorded in the document's event log. */
function numbersIn(file: string): number[] {
  const d = diagnose(readFileSync(file));
  if (!d.ok) throw new Error(`${file} ${d.problem}`);
  return d.session.events.filter((e) => e.what === 'item.note').map((e) => Number(e.detail!.slice(2)));
}

async function lane(dir: string, id: string, failures: string[]): Promise<{ kills: number; acked: number; midApply: number }> {
  const file = join(dir, `${id}.json`);
  let prevMax = 0;
  let acked = 0;
  let midApply = 0;
  // Children load ahead (PRELOAD per lane) and wait for "go": start-up cost overlaps with
  // the running child, and the file is checked before the next child touches it.
  const t0 = Date.now();
  const queue = Array.from({ length: PRELOAD }, (_, k) => runChild(script, ['loop', dir, id, `op-${k}`]));
  for (let round = 0; round < KILLS_PER_LANE; round++) {
    const child = queue.shift()!;
    queue.push(runChild(script, ['loop', dir, id, `op-${round + PRELOAD}`]));
    if (!(await child.waitFor('loaded'))) failures.push(`round ${round}: child failed to load: ${child.err()}`);
    child.send('go');
    const moment = Math.random();
    if (moment < 0.15) {
      // During open: lock takeover, leftover cleanup, the takeover event's write.
      await sleep(Math.random() * 15);
    } else if (!(await child.waitFor('ready'))) {
      failures.push(`round ${round}: child failed: ${child.err()}`);
    } else if (moment < 0.4) {
      await sleep(Math.random() * 20);
    } else {
      // Mid-loop: after the first acknowledged change, at a random point of a later write.
      await child.waitFor('ack ');
      await sleep(Math.random() * 15);
    }
    await kill9(child);
    if (process.env.DW_CRASH_TRACE) console.log(`lane ${id} round ${round} t=${Date.now() - t0}`);
    const acks = [...child.out().matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));
    if (acks.length) midApply++;
    acked += acks.length;
    let inFile: number[];
    try {
      inFile = numbersIn(file);
    } catch (err) {
      failures.push(`round ${round}: ${(err as Error).message}`);
      break;
    }
    const present = new Set(inFile);
    const lost = acks.filter((n) => !present.has(n));
    if (lost.length) failures.push(`round ${round}: acknowledged changes missing: ${lost.join(',')}`);
    const max = Math.max(0, ...inFile);
    const bound = Math.max(prevMax, ...acks) + 1;
    if (max > bound) failures.push(`round ${round}: file has change ${max}, more than one beyond the last acknowledged`);
    // No change is recorded twice, and the log has no gaps below the last change.
    if (present.size !== inFile.length) failures.push(`round ${round}: a change was recorded twice`);
    if (inFile.length !== max) failures.push(`round ${round}: gaps in the change log (${inFile.length} changes, max ${max})`);
    prevMax = max;
  }
  await Promise.all(queue.map(kill9));
  return { kills: KILLS_PER_LANE, acked, midApply };
}

test('SIGKILL at random moments never loses an acknowledged change or leaves a broken file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-crash-'));
  const store = createFileStore(dir);
  const ids: string[] = [];
  for (let i = 0; i < LANES; i++) {
    const s = await store.create({ environment: `lane${i}`, operator: 'setup', checklist: { path: 'c.md', hash: 'h', title: 'T', itemIds: Array.from({ length: 20 }, (_, k) => `i${k}`) } });
    ids.push(s.id);
    await s.close();
  }
  const failures: string[] = [];
  const results = await Promise.all(ids.map((id) => lane(dir, id, failures)));
  expect(failures).toEqual([]);
  const kills = results.reduce((a, r) => a + r.kills, 0);
  const acked = results.reduce((a, r) => a + r.acked, 0);
  const midApply = results.reduce((a, r) => a + r.midApply, 0);
  console.log(`crash test: ${kills} SIGKILLs, ${midApply} of them mid-apply, ${acked} acknowledged changes, all present`);
  expect(kills).toBe(LANES * KILLS_PER_LANE);
  // The kills must really interrupt the apply loop, not only start-up.
  expect(midApply).toBeGreaterThan(kills / 2);
  for (const id of ids) {
    const s = await store.read(id);
    // Each later child took over the stale lock of the killed one and logged it.
    expect(s.events.filter((e) => e.what === 'lock.takeover').length).toBeGreaterThan(KILLS_PER_LANE / 2);
  }
  // Temp files of killed writers are cleaned up on the next open: at most the last kill's remains per session.
  const temps = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
  expect(temps.length).toBeLessThanOrEqual(LANES * 2);
}, 300_000);
