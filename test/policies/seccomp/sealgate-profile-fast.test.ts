/*
 * The supervisor's typebox-free copy of sealgate's seccomp profile
 * (policies/seccomp/sealgate-profile.ts, docs/sealing-figures.md): the shipped
 * document passes the schema, and the fast path gives exactly what the checked
 * parser gives, so skipping the schema at the supervisor's start loses nothing.
 */
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { importClosure } from '../../../enclave-runtime/index.js';
import {
  SEALGATE_SECCOMP_JSON,
  SEALGATE_SECCOMP_PROFILE,
  SeccompError,
  parseProfile,
} from '../../../policies/index.js';
import { normaliseProfile } from '../../../policies/seccomp/normalise.js';
import type { SeccompProfileJson } from '../../../policies/seccomp/schema.js';

// The compiled tree (this file runs from dist/test/policies/seccomp/).
const dist = fileURLToPath(new URL('../../../', import.meta.url));

t.test('the shipped profile passes the schema and both paths agree', (t) => {
  t.same(parseProfile(SEALGATE_SECCOMP_JSON), SEALGATE_SECCOMP_PROFILE, 'parseProfile gives the same value');
  t.ok(SEALGATE_SECCOMP_PROFILE.syscalls.length > 0, 'it has rules');
  t.end();
});

t.test('the fast path loads no schema library', async (t) => {
  const { packages } = await importClosure(dist, 'policies/seccomp/sealgate-profile.js');
  t.same(packages, [], 'no npm package at all');
  const supervisor = await importClosure(dist, 'enclave-runtime/supervisor/main.js');
  t.notOk(supervisor.packages.includes('@sinclair/typebox'), 'the staged supervisor has no typebox');
});

t.test("normalising keeps Docker's cross-field rules, with their code", (t) => {
  const base = { defaultAction: 'SCMP_ACT_ERRNO' } as const;
  const cases: [string, SeccompProfileJson][] = [
    ['architectures and archMap', { ...base, architectures: [], archMap: [] }],
    ['errno on an allow default', { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 }],
    ['name and names', { ...base, syscalls: [{ name: 'read', names: ['write'], action: 'SCMP_ACT_ALLOW' }] }],
    ['no syscall', { ...base, syscalls: [{ names: [], action: 'SCMP_ACT_ALLOW' }] }],
    ['errno on allow', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }] }],
    [
      'kernel 0.0',
      { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '0.0' } }] },
    ],
  ];
  for (const [what, doc] of cases) {
    t.throws(() => normaliseProfile(doc), SeccompError, what);
    t.throws(() => normaliseProfile(doc), { code: 'SECCOMP_PROFILE_MALFORMED' }, what);
  }
  t.end();
});
