export { dockerRuntime, type DockerRuntime, type DockerRuntimeOptions } from './driver.js';
export { DriverError, type DriverErrorCode } from './errors.js';
export { sealedCreateOptions, containerName, MANAGED_LABEL } from './create-options.js';
export { runningDeadline, systemScheduler, type RunningDeadline, type Scheduler } from './wall-clock.js';
