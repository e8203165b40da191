/**
 * Every tampering of an envelope fails with its own code (docs/envelope.md,
 * "Errors"), with the default WebCrypto chunk cipher. The same suite runs on
 * node:crypto in test/client/sdk/node-chunk-cipher.test.ts.
 */
import t from 'tap';
import { tamperSuite } from './tamper-suite.js';

await tamperSuite(t);
