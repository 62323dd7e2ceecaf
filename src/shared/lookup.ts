/**
 * A value of a lookup table (vocabularies, synonyms, file types) for a key read from a user's file
 * or request: the table's own entries only. `table[key]` would answer Object's own members for
 * keys such as "constructor" or "toString" — a function taken for a value, which then failed
 * whole imports far from the cell that caused it.
 */
export function lookUp<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
