#!/usr/bin/env node
/**
 * The `sealgate` binary: the composition root. client/ may not import the
 * gateway or the node agent (DESIGN.md section 3), yet one binary offers both
 * the client commands and the services (`gateway start`, later `node start`
 * and `ledger verify`). This file joins client's command table with the
 * service commands of bin/commands.ts and hands both to client's runner.
 * Nothing imports bin/. Start-up stays lazy: each command's implementation is
 * imported only when it runs.
 */
import { commands, main } from '../client/cli/index.js';
import { demoCommand, serviceCommands } from './commands.js';

const code = await main(process.argv.slice(2), [demoCommand, ...commands, ...serviceCommands]);
// A command that reported its own failure (`demo --json` prints one document, ok false) sets
// process.exitCode itself and returns; keep that code.
process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);
