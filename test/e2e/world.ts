/**
 * The end-to-end world of the sealed trade (issue 4). It lives in bench/world.ts
 * so the sealing bench (bench/sealing.ts) runs on exactly the parts these tests
 * check; a tap `Test` is its `Teardown`.
 */
export * from '../../bench/world.js';
