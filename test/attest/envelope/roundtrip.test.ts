/**
 * Round trips, streaming and options, with the default WebCrypto chunk cipher.
 * The same suite runs on node:crypto in test/client/sdk/node-chunk-cipher.test.ts.
 */
import t from 'tap';
import { roundtripSuite } from './roundtrip-suite.js';

roundtripSuite(t);
