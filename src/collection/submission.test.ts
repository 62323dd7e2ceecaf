/**
 * Stored answers packed against their form version's leaves: read back exactly as the path-keyed
 * answers they replace (own answers, every repeat instance in order, elements the version does
 * not list), and refused loudly rather than shown under the wrong question.
 */
import { describe, expect, it } from 'vitest';
import { answersOf, leavesOf, packAnswers, readSubmission, storedAnswers, versionLeaves } from './submission.js';

const QUESTIONS = [
  { path: '/data', kind: 'group' },
  { path: '/data/site', kind: 'leaf' },
  { path: '/data/households', kind: 'leaf' },
  { path: '/data/need', kind: 'repeat' },
  { path: '/data/need/priority', kind: 'leaf' },
  { path: '/data/need/people', kind: 'leaf' },
  { path: '/data/meta', kind: 'group' },
  { path: '/data/meta/instanceID', kind: 'leaf' },
];
const XML = `<data id="site" version="1"><site>Socoura</site><households>12</households><phone_model>X</phone_model>
  <need><priority>water</priority><people>10</people></need><need><priority></priority><people>3</people></need>
  <meta><instanceID>uuid:1</instanceID></meta></data>`;
const REPEATS = new Set(['/data/need']);

describe('packed answers', () => {
  const byPath = storedAnswers(readSubmission(XML, REPEATS).answers, REPEATS);
  const leaves = leavesOf(QUESTIONS);

  it('read back as the answers stored by path, an element the version does not list included', () => {
    const packed = packAnswers(byPath, leaves);
    const text = JSON.stringify(packed);
    expect(text).not.toContain('/data/site');
    expect(text).toContain('/data/phone_model');
    const row = { answers: JSON.parse(text) as typeof packed, xml: null, form_version_id: 7 };
    expect(answersOf(row, REPEATS, versionLeaves([{ id: 7, questions: QUESTIONS }]))).toEqual(byPath);
    expect(byPath['/data/need']).toHaveLength(2);
  });

  it('still reads answers stored by path, and XML when nothing was stored', () => {
    const leavesOfNone = versionLeaves([]);
    expect(answersOf({ answers: byPath, xml: null, form_version_id: 7 }, REPEATS, leavesOfNone)).toEqual(byPath);
    expect(answersOf({ answers: null, xml: XML, form_version_id: 7 }, REPEATS, leavesOfNone)).toEqual(byPath);
  });

  it('refuses to read packed answers without their version, or pointing past its leaves', () => {
    const packed = packAnswers(byPath, leaves);
    expect(() => answersOf({ answers: packed, xml: null, form_version_id: 8 }, REPEATS, versionLeaves([{ id: 7, questions: QUESTIONS }]))).toThrow(/form version 8/);
    expect(() => answersOf({ answers: packed, xml: null, form_version_id: 7 }, REPEATS, versionLeaves([{ id: 7, questions: QUESTIONS.slice(0, 2) }]))).toThrow(/point at leaf 1 of a version with 1/);
  });
});
