/** "Did you mean": edit distance with swaps, and the closest section heading for a typo (or none when nothing is close). */
import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/cli/suggest.js';
import { checklistHint } from '../../src/checklist/load.js';

describe('closestName', () => {
  const titles = ['Pre-Deployment', 'Database', 'Database Migration', 'Health Checks', 'Rollback Procedures'];
  it('finds the heading a typo meant, by the whole title or one of its words', () => {
    expect(editDistance('databse', 'database')).toBe(1);
    expect(editDistance('dtaabase', 'database')).toBe(1); // a swap is one edit
    expect(closestName('Databse', titles)).toBe('Database');
    expect(closestName('helth', titles)).toBe('Health Checks');
    expect(closestName('rolback procedures', titles)).toBe('Rollback Procedures');
  });
  it('suggests nothing for a far or too short word', () => {
    expect(closestName('nowhere', titles)).toBeUndefined();
    expect(closestName('db', titles)).toBeUndefined();
  });
});

describe('checklistHint', () => {
  it('never tells someone who passed --checklist to pass --checklist', () => {
    expect(checklistHint('default')).toBe('pass a Markdown checklist with --checklist FILE');
    expect(checklistHint('flag')).toBe('give --checklist a Markdown checklist file');
    expect(checklistHint({ argumentOf: 'validate' })).toBe('give validate a Markdown checklist file');
  });
});
