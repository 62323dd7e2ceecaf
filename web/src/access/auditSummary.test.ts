import { describe, expect, it } from 'vitest';
import { describeSummary } from './auditSummary.js';

describe('describeSummary', () => {
  it('writes an object as key: value pairs', () => {
    expect(describeSummary({ reason: 'password' }).short).toBe('reason: password');
    expect(describeSummary({ status: 201, route: '/api/tokens', verbs: ['geo.read'] }).short).toBe('status: 201 · route: /api/tokens · verbs: ["geo.read"]');
  });
  it('is empty for nothing, and shortens long summaries (the whole text stays in full)', () => {
    expect(describeSummary({})).toEqual({ short: '', full: '' });
    expect(describeSummary(null)).toEqual({ short: '', full: '' });
    const long = describeSummary({ text: 'x'.repeat(300) });
    expect(long.short.length).toBe(120);
    expect(long.short.endsWith('…')).toBe(true);
    expect(long.full.length).toBe(306);
  });
});
