import { createRequire } from 'node:module';

/** The running sealgate's version, from package.json (this file runs from dist/gateway/). */
export const packageVersion = (createRequire(import.meta.url)('../../package.json') as { version: string })
  .version;
