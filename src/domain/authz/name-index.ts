/**
 * Items filed under names, found by exact name or by every prefix of a name: the lookup structure behind
 * LITERAL/PREFIXED ACLs and literal/`*` CRN patterns. Prefix lookups probe one hash map per distinct
 * prefix length (usually a handful), never the whole set.
 */
export class NameIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly prefixed = new Map<string, T[]>();
  /** Distinct lengths of the stored prefixes, ascending. */
  private readonly prefixLengths: number[] = [];

  /** File an item under an exact name. Items of one bucket stay in the order they were added. */
  addExact(name: string, item: T): void {
    append(this.exact, name, item);
  }

  /** File an item under a prefix: it is found for every name that starts with the prefix. */
  addPrefix(prefix: string, item: T): void {
    append(this.prefixed, prefix, item);
    const length = prefix.length;
    if (this.prefixLengths.includes(length)) return;
    const at = this.prefixLengths.findIndex((existing) => existing > length);
    this.prefixLengths.splice(at < 0 ? this.prefixLengths.length : at, 0, length);
  }

  /** The items filed under exactly this name. */
  exactly(name: string): readonly T[] | undefined {
    return this.exact.get(name);
  }

  /** Calls `visit` with each bucket filed under a prefix of `name` (the empty prefix and `name` itself included). */
  forEachPrefixOf(name: string, visit: (bucket: readonly T[]) => void): void {
    for (const length of this.prefixLengths) {
      if (length > name.length) return;
      const bucket = this.prefixed.get(name.slice(0, length));
      if (bucket !== undefined) visit(bucket);
    }
  }
}

function append<T>(map: Map<string, T[]>, key: string, item: T): void {
  const bucket = map.get(key);
  if (bucket === undefined) map.set(key, [item]);
  else bucket.push(item);
}
