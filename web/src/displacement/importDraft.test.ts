import { describe, expect, it } from 'vitest';
import { defaultOperation, existingRound, importProblems, jobProgress, nextRoundNumber, parseRoundNumber, type ImportDraft } from './importDraft.js';
import { pollDelay } from '../useJobPoll.js';

const rounds = [
  { id: 1, number: 1, assessmentType: 'BA' as const, status: 'published' as const },
  { id: 2, number: 1, assessmentType: 'SA' as const, status: 'published' as const },
  { id: 3, number: 2, assessmentType: 'BA' as const, status: 'published' as const },
  { id: 4, number: 2, assessmentType: 'SA' as const, status: 'draft' as const },
];

const draft: ImportDraft = {
  operation: 'MLI-CONFLICT',
  roundNumber: '3',
  assessmentType: 'BA',
  referenceDate: '2021-06-30',
  collectionStart: '2021-06-01',
  collectionEnd: '2021-06-25',
  hasFile: true,
};

describe('round number', () => {
  it('suggests one more than the highest of the type, 1 for the first', () => {
    expect(nextRoundNumber(rounds, 'BA')).toBe(3);
    expect(nextRoundNumber(rounds, 'SA')).toBe(3);
    expect(nextRoundNumber([], 'SA')).toBe(1);
  });
  it('finds the round an import would replace', () => {
    expect(existingRound(rounds, 2, 'SA')?.id).toBe(4);
    expect(existingRound(rounds, 3, 'SA')).toBeUndefined();
  });
  it('reads whole numbers from 1 to 10,000', () => {
    expect(parseRoundNumber(' 12 ')).toBe(12);
    expect(parseRoundNumber('0')).toBeNull();
    expect(parseRoundNumber('1.5')).toBeNull();
    expect(parseRoundNumber('10001')).toBeNull();
  });
});

describe('operation to start with', () => {
  const operations = [
    { code: 'BFA-CRISIS', country: 'BF' },
    { code: 'MLI-CONFLICT', country: 'ML' },
  ];
  it('is the first in a country of the user, else the first', () => {
    expect(defaultOperation(operations, ['ML'])?.code).toBe('MLI-CONFLICT');
    expect(defaultOperation(operations, [])?.code).toBe('BFA-CRISIS');
    expect(defaultOperation([], ['ML'])).toBeUndefined();
  });
});

describe('import form checks', () => {
  it('accept a complete form', () => {
    expect(importProblems(draft)).toEqual({});
  });
  it('name what is missing or wrong', () => {
    expect(importProblems({ ...draft, operation: '', roundNumber: 'x', referenceDate: '', hasFile: false })).toEqual({
      operation: 'operation',
      roundNumber: 'roundNumber',
      referenceDate: 'referenceDate',
      file: 'file',
    });
    expect(importProblems({ ...draft, collectionStart: '2021-06-25', collectionEnd: '2021-06-01' })).toEqual({ collectionEnd: 'periodOrder' });
    expect(importProblems({ ...draft, collectionStart: '', collectionEnd: '' })).toEqual({});
  });
  it('refuse to import into a round that is no longer a draft', () => {
    expect(importProblems({ ...draft, roundNumber: '2' }, rounds[2])).toEqual({ roundNumber: 'roundNotDraft' });
    expect(importProblems({ ...draft, roundNumber: '2', assessmentType: 'SA' }, rounds[3])).toEqual({});
  });
});

describe('job progress', () => {
  it('counts rows read against the file’s rows', () => {
    expect(jobProgress({ status: 'running', phase: 'reading', done: 250, total: null }, 1000)).toEqual({ percent: 25, phase: 'reading', finished: false });
    expect(jobProgress({ status: 'running', phase: 'reading', done: 1000, total: null }, 1000).percent).toBe(99);
    expect(jobProgress({ status: 'running', phase: null, done: 0, total: null }, 0).percent).toBe(0);
  });
  it('has no measure while the round is stored, and ends at 100', () => {
    expect(jobProgress({ status: 'running', phase: 'storing', done: 0, total: 900 }, 1000)).toEqual({ percent: null, phase: 'storing', finished: false });
    expect(jobProgress({ status: 'succeeded', phase: 'done', done: 900, total: 900 }, 1000)).toEqual({ percent: 100, phase: 'done', finished: true });
    expect(jobProgress({ status: 'failed', phase: 'reading', done: 3, total: null }, 1000).finished).toBe(true);
  });
  it('polls more slowly as time goes by', () => {
    expect(pollDelay(0)).toBe(500);
    expect(pollDelay(4)).toBe(1500);
    expect(pollDelay(100)).toBe(3000);
  });
});
