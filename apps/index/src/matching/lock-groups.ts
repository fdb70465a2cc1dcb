/**
 * Which inputs of a chunk must wait for another transaction: every input connected (through a
 * shared lock key, directly or via other inputs of the chunk) to a key that is busy. Inputs that
 * share a key are one young person or one family; they must be stored together, so a busy key
 * holds back its whole group and nothing else.
 *
 * `keys[i]` are input i's lock keys; answers the indexes of the inputs that must wait, ascending.
 */
export function heldBack(keys: readonly (readonly string[])[], busy: ReadonlySet<string>): number[] {
  if (busy.size === 0) return [];
  // Union-find over the inputs, joined through the first input seen with each key.
  const parent = keys.map((_k, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const firstWith = new Map<string, number>();
  keys.forEach((list, i) => {
    for (const key of list) {
      const j = firstWith.get(key);
      if (j === undefined) firstWith.set(key, i);
      else parent[root(i)] = root(j);
    }
  });
  const blockedRoots = new Set<number>();
  keys.forEach((list, i) => {
    if (list.some((k) => busy.has(k))) blockedRoots.add(root(i));
  });
  return keys.flatMap((_k, i) => (blockedRoots.has(root(i)) ? [i] : []));
}
