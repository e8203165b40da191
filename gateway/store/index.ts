export { Mutex } from './mutex.js';
export { Store, put, del, type BatchOp, type RootDb, type Stored, type Sublevel } from './store.js';
