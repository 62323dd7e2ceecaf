import { describe, expect, it } from 'vitest';
import { aggregateQuery, drillInto, readDashboardState, stateParams, switchType } from './dashboardState.js';

const read = (query: string) => readDashboardState(new URLSearchParams(query));

describe('dashboard state in the address', () => {
  it('reads defaults from an empty address', () => {
    expect(read('')).toEqual({ type: null, group: 'idp', round: null, drafts: false, admin1: null, admin2: null, offset: 0 });
  });
  it('reads every part, and ignores what is not valid', () => {
    expect(read('type=sa&group=returnee&round=12&drafts=1&admin1=ml05&admin2=ML0501&offset=50')).toEqual({
      type: 'SA',
      group: 'returnee',
      round: 12,
      drafts: true,
      admin1: 'ML05',
      admin2: 'ML0501',
      offset: 50,
    });
    expect(read('type=XX&group=refugee&round=-1&offset=abc&admin1=%3Cscript%3E')).toEqual(read(''));
  });
  it('keeps an admin2 only inside its admin1', () => {
    expect(read('admin2=ML0501').admin2).toBeNull();
    expect(read('admin1=ML07&admin2=ML0501').admin2).toBeNull();
    expect(read('admin1=NE006&admin2=NE006001').admin2).toBe('NE006001');
  });
  it('writes only what changes, leaving defaults out of the address', () => {
    expect(stateParams({ group: 'idp', round: null, drafts: false, offset: 0 })).toEqual({ group: null, round: null, drafts: null, offset: null });
    expect(stateParams({ type: 'SA', round: 7, drafts: true })).toEqual({ type: 'SA', round: '7', drafts: '1' });
  });
  it('starts afresh on another assessment type, and drills one level at a time', () => {
    expect(switchType('SA')).toEqual({ type: 'SA', round: null, admin1: null, admin2: null, offset: 0 });
    expect(drillInto(read(''), 'ML05')).toEqual({ admin1: 'ML05', admin2: null, offset: 0 });
    expect(drillInto(read('admin1=ML05'), 'ML0501')).toEqual({ admin2: 'ML0501', offset: 0 });
  });
  it('shares one query between the aggregate requests', () => {
    expect(aggregateQuery(read(''))).toEqual({ assessmentType: undefined, group: undefined, round: undefined, includeDrafts: undefined });
    expect(aggregateQuery(read('type=BA&group=returnee&round=3&drafts=1'))).toEqual({ assessmentType: 'BA', group: 'returnee', round: 3, includeDrafts: true });
  });
});
