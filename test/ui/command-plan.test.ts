/** Command choices of a section: alternatives split, placeholders mapped, runs judged (src/store/command-plan.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChecklist as parseWith } from '../../src/checklist/parse.js';
import { validateProbe } from '../../src/probes/registry.js';

const parseChecklist = (text: string, file: string) => parseWith(text, file, validateProbe);
import { alternatives, commandChoices, judgeRun, mapPlaceholders, missingVariables } from '../../src/store/command-plan.js';
import { SHIPPED } from '../checklist/helpers.js';

const shipped = parseChecklist(readFileSync(SHIPPED, 'utf8'), SHIPPED).checklist!;
const section = (title: string) => shipped.sections.find((s) => s.title === title);

describe('command choices of the shipped checklist', () => {
  it('Stop Traffic to New Version offers the Kubernetes and the Docker Compose rollback as two choices', () => {
    const choices = commandChoices(section('1. Stop Traffic to New Version'));
    expect(choices.map((c) => c.label)).toEqual(['Kubernetes rollback', 'Docker Compose rollback']);
    expect(choices[0].script).toBe('# Kubernetes rollback\nkubectl rollout undo deployment/django-web -n django-twilio-call');
    expect(choices[0].word).toBe('kubectl');
    expect(choices[1].script).not.toContain('kubectl');
    expect(choices[1].script.split('\n')).toHaveLength(4);
    expect(choices[1].word).toBe('docker');
  });

  it('steps of one script stay one choice (Verify Service Health: a check and a listing)', () => {
    const choices = commandChoices(section('2. Verify Service Health'));
    expect(choices).toHaveLength(1);
    expect(choices[0].script).toContain('curl');
    expect(choices[0].script).toContain('kubectl get pods');
  });

  it('the Quick Health Check runs against ${DOMAIN}, not yourdomain.com', () => {
    const [c] = commandChoices(section('Quick Health Check'));
    expect(c.script).not.toContain('yourdomain.com');
    expect(c.script).toContain('curl -f https://${DOMAIN}/health/');
    expect(c.variables).toEqual([{ placeholder: 'yourdomain.com', variable: 'DOMAIN' }]);
    expect(missingVariables(c, {})).toEqual(['DOMAIN']);
    expect(missingVariables(c, { DOMAIN: 'calls.example.org' })).toEqual([]);
  });
});

describe('alternatives and placeholders', () => {
  it('needs every paragraph under a header of the same kind', () => {
    expect(alternatives('# A rollback\nx\n\n# B rollback\ny')?.map((a) => a.header)).toEqual(['A rollback', 'B rollback']);
    expect(alternatives('# A rollback\nx\n\ny')).toBeUndefined();
    expect(alternatives('# Restore from backup (CRITICAL)\nx\n\n# Verify data integrity\ny')).toBeUndefined();
    expect(alternatives('#!/bin/bash\n# one\nx\n\n# two\ny')).toBeUndefined();
  });

  it('maps every occurrence and leaves other text alone', () => {
    expect(mapPlaceholders('curl https://yourdomain.com/a https://yourdomain.com/b')).toEqual({
      script: 'curl https://${DOMAIN}/a https://${DOMAIN}/b',
      variables: [{ placeholder: 'yourdomain.com', variable: 'DOMAIN' }],
    });
    expect(mapPlaceholders('curl https://example.org/').variables).toEqual([]);
  });
});

describe('judgeRun', () => {
  it('a FAILED line fails an exit-0 run; a non-zero exit or a kill fails; a clean exit 0 passes', () => {
    expect(judgeRun(0, 'Checking application health...\nHEALTH CHECK FAILED\nHealth check complete.\n')).toEqual({
      failed: true,
      why: 'exit 0 but the output says: HEALTH CHECK FAILED',
    });
    expect(judgeRun(0, 'REDIS CHECK FAILED\nCELERY CHECK FAILED\n').why).toBe('exit 0 but the output says: REDIS CHECK FAILED (+1 more)');
    expect(judgeRun(2, 'ok')).toEqual({ failed: true, why: 'exit 2' });
    expect(judgeRun(null, '')).toEqual({ failed: true, why: 'stopped before it finished' });
    expect(judgeRun(0, 'all good; 0 failed tests\n')).toEqual({ failed: false, why: 'exit 0' });
  });
});
