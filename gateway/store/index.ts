export { Mutex } from './mutex.js';
export { Store, put, del } from './store.js';
export type { BatchOp, RootDb, Stored, Sublevel } from './types.js';
