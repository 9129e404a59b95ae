// Values derived from an object, computed once per object. After an edit every
// unedited file keeps its model objects, so whatever was derived from them
// stays valid; a WeakMap lets it go with the object.

export function oncePer<K extends object, T>(compute: (key: K) => T): (key: K) => T {
  const cache = new WeakMap<K, T>();
  return (key) => {
    if (cache.has(key)) return cache.get(key)!;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}
