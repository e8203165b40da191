// @ts-check
// Lint: typescript-eslint's type-aware recommended rules, plus the one-way
// dependency rule of DESIGN.md section 3 (also enforced by the TypeScript
// project references in each folder's tsconfig.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Folders each top-level folder must not import (DESIGN.md section 3). bin/ is
 * the composition root (the `sealgate` binary): it may import everything, and
 * nothing may import it.
 */
const forbidden = {
  attest: ['policies', 'gateway', 'enclave-runtime', 'client', 'bin'],
  policies: ['gateway', 'enclave-runtime', 'client', 'bin'],
  gateway: ['enclave-runtime', 'client', 'bin'],
  'enclave-runtime': ['gateway', 'client', 'bin'],
  client: ['gateway', 'enclave-runtime', 'bin'],
  test: ['bin'],
  bench: ['bin'],
};

export const boundaries = Object.entries(forbidden).map(([folder, banned]) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: banned.map((b) => ({
          group: [`**/${b}`, `**/${b}/**`],
          message: `${folder}/ may not import ${b}/ (DESIGN.md section 3: dependencies run one way).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js'], languageOptions: { globals: globals.node } },
  // tap tracks the promise of every subtest itself.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off' } },
  ...boundaries,
);
