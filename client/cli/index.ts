/**
 * The CLI's public surface, for the composition root (bin/sealgate.ts): the
 * runner, client's command table, and what a command is made of. A separate
 * entry point from client/index.ts on purpose: the SDK's index loads all of
 * attest/ (node-forge, TypeBox), and `sealgate --help` must not
 * (docs/architecture.md).
 */
export { main, type CliIo } from './main.js';
export { commands } from './commands/index.js';
export { CliError, lazyCommand, requireString } from './command.js';
export type {
  CliErrorCode,
  Command,
  CommandContext,
  CommandInfo,
  CommandOptions,
  GlobalOptions,
  ParsedArgs,
} from './command.js';
export { commandHelp, helpText } from './help.js';
export { describeFailure, hintFor, reportFailure, type FailureReport } from './failure.js';
// A progress bar on a terminal, for the composition root's long commands (`sealgate demo`).
export { createProgress, type Progress, type ProgressOptions } from './progress.js';
// service logs on a terminal (docs/operations.md)
export { prettyLogLine, prettyDestination, logFormatFor } from './log-pretty.js';
// service settings: flags, environment, --config FILE (docs/operations.md)
export {
  readServiceConfig,
  resolveServiceSettings,
  type FieldKind,
  type FieldSpec,
  type ServiceSettings,
  type ServiceSpec,
  type SettingValue,
} from '../service-config.js';
