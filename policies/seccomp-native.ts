/**
 * The native half of policies/seccomp: compile and load a seccomp profile with
 * libseccomp.so.2 through koffi. A separate entry point, not re-exported from
 * policies/index.ts, so that pure consumers of the policies never load koffi.
 */
export { compileProfile, loadProfile, nativeArch, type NativeOptions } from './seccomp/native.js';
