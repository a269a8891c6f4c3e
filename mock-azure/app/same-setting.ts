/**
 * Whether two mappings or filter lists say the same: compared by value, an expression's position in the text it was
 * read from aside (Graph's trees carry none). A save that changes nothing starts no full sync.
 */
export function sameSetting(a: unknown, b: unknown): boolean {
  // Keys in one order, and no positions: two readings of the same mapping compare equal.
  const plain = (v: unknown) =>
    JSON.stringify(v, (key, x) =>
      key === 'at'
        ? undefined
        : x && typeof x === 'object' && !Array.isArray(x)
          ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
          : x,
    );
  return a === b || plain(a) === plain(b);
}
