/** `list` and `report` read the shared PostgreSQL store when given --store, without showing its password. */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { resolve } from 'node:path';
import { createPgStore } from '../../src/session/pg-store.js';
import { runCli, workdir } from '../check/helpers.js';
import { withClient } from './helpers.js';

const facts = inject('servers').pg;
const database = `dw_cli_${Math.random().toString(36).slice(2, 10)}`;
const url = `postgres://${encodeURIComponent(facts.user)}:${encodeURIComponent(facts.password)}@${facts.host}:${facts.port}/${database}`;
const checklist = resolve('checklists/django-twilio-call.md');
let id = '';

beforeAll(async () => {
  await withClient(facts, (c) => c.query(`CREATE DATABASE ${database}`));
  const store = createPgStore(url);
  const open = await store.create({ environment: 'staging', operator: 'ada', checklist: { path: checklist, hash: 'h', title: 'Production Deployment Checklist', itemIds: ['a', 'b'] } });
  id = open.id;
  await open.apply({ type: 'item.state', itemId: 'a', state: 'done' });
  await open.apply({ type: 'item.note', itemId: 'a', note: 'checked by hand' });
  await open.close();
  await store.end();
});

afterAll(async () => {
  await withClient(facts, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

describe('list and report with --store postgres://', () => {
  it('list --json shows the shared session, not the empty local folder', async () => {
    const cwd = workdir();
    const r = await runCli(['list', '--json', '--store', url], { cwd });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, environment: 'staging', operators: ['ada'], done: 1, status: 'active' });
    expect(r.stdout + r.stderr).not.toContain(facts.password);
  });

  it('list reads DEPLOY_WIZARD_STORE too', async () => {
    const r = await runCli(['list'], { cwd: workdir(), env: { DEPLOY_WIZARD_STORE: url } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(id);
  });

  it('report renders the shared session with its note', async () => {
    const r = await runCli(['report', id, '--store', url, '--checklist', checklist], { cwd: workdir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('checked by hand');
    expect(r.stdout).toContain('staging');
    expect(r.stdout + r.stderr).not.toContain(facts.password);
  });

  it('an unreachable store is one line with the password masked, exit 2', async () => {
    const bad = `postgres://u:s3cret-pw@127.0.0.1:9/db`;
    const r = await runCli(['list', '--store', bad], { cwd: workdir() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('postgres://u:***@127.0.0.1:9/db');
    expect(r.stderr).not.toContain('s3cret-pw');
  });
});
