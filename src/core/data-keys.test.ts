import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newDataKeyLine, parseDataKeys, readDataKeys, seal, sealedWithCurrentKey, UnreadableSealError, unseal, useDataKeys, type DataKeyring } from './data-keys.js';

const TEST_KEYS = parseDataKeys(`test-1:${Buffer.alloc(32, 7).toString('base64')}`, 'test keys');
const line = (id: string, fill: number): string => `${id}:${Buffer.alloc(32, fill).toString('base64')}`;

describe('personal data sealed with keys kept outside the database', () => {
  afterEach(() => useDataKeys(TEST_KEYS));

  it('seals a name so that the stored text shows nothing of it, differently each time, and opens it back', () => {
    const name = 'Mahamadou Ousmane Maïga';
    const first = seal(name);
    const second = seal(name);
    expect(first).toMatch(/^s1:test-1:[A-Za-z0-9_-]+$/);
    expect(first).not.toContain('Ma');
    expect(first).not.toBe(second);
    expect(unseal(first)).toBe(name);
    expect(unseal(second)).toBe(name);
    expect(seal(null)).toBeNull();
    expect(unseal('')).toBe('');
  });

  it('refuses an altered value and a value sealed with a key that is not listed, never showing a wrong name', () => {
    const sealed = seal('Aïssata Cissé');
    const body = sealed.slice('s1:test-1:'.length);
    const flipped = `s1:test-1:${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}`;
    expect(() => unseal(flipped)).toThrow(UnreadableSealError);
    expect(() => unseal('s1:test-1:AAAA')).toThrow(UnreadableSealError);
    expect(() => unseal(sealed.replace('s1:test-1:', 's1:gone:'))).toThrow(/not among the data keys/);
  });

  it('rotates: the new key seals, the old one still opens what it sealed, until it is dropped', () => {
    const old = seal('Boubacar Diallo');
    const rotated: DataKeyring = parseDataKeys(`${line('2027-01', 9)},${line('test-1', 7)}`, 'rotated');
    useDataKeys(rotated);
    expect(unseal(old)).toBe('Boubacar Diallo');
    expect(sealedWithCurrentKey(old)).toBe(false);
    const fresh = seal('Boubacar Diallo');
    expect(fresh.startsWith('s1:2027-01:')).toBe(true);
    expect(sealedWithCurrentKey(fresh)).toBe(true);
    useDataKeys(parseDataKeys(line('2027-01', 9), 'new only'));
    expect(unseal(fresh)).toBe('Boubacar Diallo');
    expect(() => unseal(old)).toThrow(UnreadableSealError);
  });

  it('reads a row stored before sealing as it is (until `assistance rekey` seals it)', () => {
    expect(unseal('Fatoumata Traoré')).toBe('Fatoumata Traoré');
  });

  it('refuses keys that are not 32 bytes, unnamed, named twice or missing, saying which one and never printing it', () => {
    expect(() => parseDataKeys('k1:c2hvcnQ=', 'LIPTAKO_DATA_KEYS')).toThrow(/key 1 must be "id:base64 of 32 random bytes"/);
    expect(() => parseDataKeys(Buffer.alloc(32, 1).toString('base64'), 'LIPTAKO_DATA_KEYS')).toThrow(/key 1/);
    expect(() => parseDataKeys(`${line('a', 1)},${line('a', 2)}`, 'LIPTAKO_DATA_KEYS')).toThrow(/listed twice/);
    expect(() => parseDataKeys(' , # nothing', 'LIPTAKO_DATA_KEYS')).toThrow(/lists no key/);
    expect(() => parseDataKeys(`bad id!:${Buffer.alloc(32, 1).toString('base64')}`, 'X')).toThrow(/key 1/);
    try {
      parseDataKeys(`${line('a', 1)},k2:${Buffer.alloc(31, 5).toString('base64')}`, 'X');
    } catch (error) {
      expect(String(error)).toContain('key 2');
      expect(String(error)).not.toContain(Buffer.alloc(31, 5).toString('base64'));
    }
  });

  it('makes a keys file readable by its owner only on first start, and reads the same key after', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'liptako-keys-'));
    const first = readDataKeys({}, dataDir);
    const file = path.join(dataDir, 'data-keys');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = readDataKeys({}, dataDir);
    expect(again.current.id).toBe(first.current.id);
    expect(again.current.key.equals(first.current.key)).toBe(true);
    // The environment wins over the file; a named file that does not exist is an error, not a new key.
    expect(readDataKeys({ LIPTAKO_DATA_KEYS: line('env', 3) }, dataDir).current.id).toBe('env');
    expect(() => readDataKeys({ LIPTAKO_DATA_KEY_FILE: path.join(dataDir, 'missing') }, dataDir)).toThrow(/does not exist/);
    const other = path.join(dataDir, 'rotated');
    writeFileSync(other, `# rotated in January\n${newDataKeyLine(new Date('2027-01-15T00:00:00Z'))}\n${readFileSync(file, 'utf8').split('\n')[1]}\n`);
    const rotated = readDataKeys({ LIPTAKO_DATA_KEY_FILE: other }, dataDir);
    expect(rotated.current.id).toMatch(/^2027-01-[0-9a-f]{6}$/);
    expect(rotated.byId.get(first.current.id)?.equals(first.current.key)).toBe(true);
  });
});
