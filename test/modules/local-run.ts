/**
 * Runs a module's probe and commands through the local /bin/sh (dash on
 * Debian) — the same text the engine sends to a host — optionally inside a
 * network namespace. Proves the shell text works before the SSH engine and the
 * lab are involved.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import type { Change, ModuleDefinition, ProbeOutput } from '../../src/modules/contract.ts';
import { quote } from '../../src/shell/quote.ts';
import { CTX } from './fixture.ts';

export function runSh(script: string, netns?: string): ProbeOutput {
  // As the engine sends it: the script on `sh -s`'s stdin (no argv size limit),
  // the step in a subshell through eval, its stdin closed.
  const input = `( eval ${quote(script)} ) </dev/null\n`;
  const [cmd, args] = netns ? ['ip', ['netns', 'exec', netns, 'sh', '-s']] : ['sh', ['-s']];
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? -1 };
}

/** probe → parse → diff, as the engine's check does. */
export function check<P>(module: ModuleDefinition<P>, params: P, netns?: string): Change[] {
  const output = runSh(module.probe(params, CTX), netns);
  return module.diff(params, module.parse(output, params, CTX), CTX);
}

/** commands() of the changes, run like an apply step (set -e). Returns the step's output. */
export function applyChanges<P>(module: ModuleDefinition<P>, params: P, changes: readonly Change[], netns?: string): ProbeOutput {
  return runSh(`set -e\n${module.commands(changes, params, CTX)}`, netns);
}

/** Check, apply, and return what a second check finds (empty when converged). */
export function converge<P>(module: ModuleDefinition<P>, params: P, netns?: string): { first: Change[]; applied: ProbeOutput; second: Change[] } {
  const first = check(module, params, netns);
  const applied = applyChanges(module, params, first, netns);
  if (applied.exitCode !== 0) throw new Error(`apply failed (${applied.exitCode}): ${applied.stderr}`);
  return { first, applied, second: check(module, params, netns) };
}

/** Whether this process can make network namespaces (root + iproute2). */
export function canUseNetns(): { ok: true } | { ok: false; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'not root' };
  const probe = `zc-h6-can-${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, why: `ip netns add failed: ${r.stderr.trim() || r.error?.message}` };
  execFileSync('ip', ['netns', 'del', probe]);
  return { ok: true };
}
