import { describe, expect, it } from 'vitest';
import { release, releasableArray, releasableArrays } from './releasable.js';

describe('releasable typed arrays', () => {
  it('start zeroed and hold what is written like a plain typed array', () => {
    const counts = releasableArray(Int32Array, 5);
    expect([...counts]).toEqual([0, 0, 0, 0, 0]);
    counts.set([3, -1, 2_000_000_000], 1);
    expect([...counts]).toEqual([0, 3, -1, 2_000_000_000, 0]);
    expect([...counts.subarray(1, 3)].sort((a, b) => a - b)).toEqual([-1, 3]);
  });

  it('lay several arrays in one buffer without overlapping, each aligned', () => {
    const [lefts, weights, flags] = releasableArrays(3, [Int32Array, Float64Array, Uint8Array] as const);
    lefts.fill(-1);
    weights.fill(0.5);
    flags.fill(255);
    expect([...lefts]).toEqual([-1, -1, -1]);
    expect([...weights]).toEqual([0.5, 0.5, 0.5]);
    expect([...flags]).toEqual([255, 255, 255]);
    expect(lefts.buffer).toBe(weights.buffer);
    expect(weights.byteOffset % 8).toBe(0);
  });

  it('give their bytes back on release, and read as empty afterwards', () => {
    const [lefts, rights] = releasableArrays(1 << 16, [Int32Array, Int32Array] as const);
    const alone = releasableArray(Float32Array, 1000);
    expect(lefts.buffer.byteLength).toBe(2 * 4 * (1 << 16));
    release(lefts, alone, null, undefined);
    expect(lefts.buffer.byteLength).toBe(0);
    expect(lefts.length).toBe(0);
    expect(rights.length).toBe(0);
    expect(alone.length).toBe(0);
    expect(lefts[0]).toBeUndefined();
  });

  it('leave arrays they did not make to the collector', () => {
    const plain = new Int32Array([1, 2, 3]);
    release(plain);
    expect([...plain]).toEqual([1, 2, 3]);
  });
});
