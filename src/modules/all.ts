/**
 * Every module, loaded: for code that wants them all without awaiting (tests,
 * benchmarks, compilePlan's defaults). The commands load only the modules
 * their playbooks use (registry.ts, compile's modulesUsed).
 */
import { loadModules } from './registry.ts';

await loadModules();

export { findModule, isModuleName, MODULE_NAMES, moduleNames, modules } from './registry.ts';
