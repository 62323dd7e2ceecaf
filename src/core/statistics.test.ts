import { describe, expect, it } from 'vitest';
import { statisticsStale } from './statistics.js';

describe('statisticsStale', () => {
  it('asks for a first ANALYZE of a table that holds pages, not of an empty one', () => {
    expect(statisticsStale({ analysed_rows: -1, analysed_pages: 0, pages: 0 })).toBe(false);
    expect(statisticsStale({ analysed_rows: -1, analysed_pages: 0, pages: 1 })).toBe(true);
  });

  it('asks again when the table doubled or halved, and eight pages more', () => {
    expect(statisticsStale({ analysed_rows: 1000, analysed_pages: 100, pages: 208 })).toBe(false);
    expect(statisticsStale({ analysed_rows: 1000, analysed_pages: 100, pages: 209 })).toBe(true);
    expect(statisticsStale({ analysed_rows: 1000, analysed_pages: 100, pages: 46 })).toBe(false);
    expect(statisticsStale({ analysed_rows: 1000, analysed_pages: 100, pages: 45 })).toBe(true);
    expect(statisticsStale({ analysed_rows: 0, analysed_pages: 0, pages: 8 })).toBe(false);
    expect(statisticsStale({ analysed_rows: 0, analysed_pages: 0, pages: 9 })).toBe(true);
  });
});
