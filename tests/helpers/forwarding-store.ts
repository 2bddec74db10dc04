import type { ObjectStore } from '../../lib/store/types.ts';

/** A store that passes every call to `inner` except the ones `overrides` replaces (to watch or stop them). */
export function forwardingStore(inner: ObjectStore, overrides: Partial<Omit<ObjectStore, 'description'>>): ObjectStore {
  return {
    description: inner.description,
    get: (key) => inner.get(key),
    getWithEtag: (key) => inner.getWithEtag(key),
    getStart: (key, bytes) => inner.getStart(key, bytes),
    put: (key, body, options) => inner.put(key, body, options),
    list: (prefix) => inner.list(prefix),
    listWithTimes: (prefix) => inner.listWithTimes(prefix),
    delete: (key) => inner.delete(key),
    ...overrides,
  };
}
