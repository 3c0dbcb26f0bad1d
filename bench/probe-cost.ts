/**
 * What one host's probe script costs on the host itself, without SSH: the
 * reference hypervisor workload (bench/hypervisor.yml: 20 files, 20 sysctls)
 * compiled by the real compiler, each task's probe built by its module and
 * framed by the engine's buildProbeScript, then run with dash many times.
 *
 *   sudo npx tsx bench/probe-cost.ts [runs]     (default 200 runs per state)
 *
 * Files and the persisted sysctl file are moved under a temp dir (nothing is
 * written to /etc); the probe runs inside a scratch network namespace (the
 * workload's keys are all net.*), so the machine's own sysctls are untouched.
 * States: "converged" (files with the desired content and mode, the persisted
 * file written) — what a no-change check sees — "fresh" (nothing there), and
 * "framing": the engine's framing around as many steps that do nothing.
 * Prints the median and quartiles of wall time per script and, when strace is
 * installed, the processes it starts (clone/fork) and programs it runs (execve).
 * A measurement, never a test assertion.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compilePlan } from '../src/compile/index.ts';
import type { RunContext } from '../src/modules/contract.ts';
import { findModule } from '../src/modules/registry.ts';
import { buildProbeScript, newMarker, parseFrames } from '../src/engine/script.ts';
import { ZONECTL_PLAYBOOK } from './workload.ts';

const RUNS = Number(process.argv[2] ?? 200);
const NETNS = `zc-probecost-${process.pid}`;
const CTX: RunContext = { host: 'bench01', platform: 'linux', managementAddress: '127.0.0.1', allowManagementChange: false, vars: {} };

interface Prepared {
  script: string;
  marker: string;
  count: number;
  /** file path → its desired content and mode, for the converged state. */
  files: Map<string, { content: string; mode: string }>;
  sysctlFile: string;
  sysctls: [string, string][];
}

function prepare(root: string): Prepared {
  const inventory = join(root, 'inventory.yml');
  writeFileSync(inventory, 'all:\n  hosts:\n    bench01:\n      ansible_host: 127.0.0.1\n');
  const { plan } = compilePlan({ inventory: [inventory], playbooks: [ZONECTL_PLAYBOOK], cwd: root, localUser: 'root' });
  const host = plan.hosts.bench01;
  if (!host) throw new Error('bench01 was not compiled');
  const files = new Map<string, { content: string; mode: string }>();
  const sysctls: [string, string][] = [];
  let sysctlFile = '';
  const steps: { text: string }[] = [];
  for (const task of host.plays.flatMap((p) => p.tasks)) {
    const module = findModule(task.module);
    if (!module) throw new Error(`no module ${task.module}`);
    const params = { ...task.params } as Record<string, unknown>;
    // Same probe, other place: files live under the temp dir.
    if (task.module === 'file') {
      params.path = join(root, params.path as string);
      files.set(params.path as string, { content: params.content as string, mode: params.mode as string });
    }
    if (task.module === 'sysctl') {
      params.file = sysctlFile = join(root, params.file as string);
      sysctls.push(...Object.entries(params.set as Record<string, string>));
    }
    steps.push({ text: module.probe(module.schema.parse(params), CTX) });
  }
  const marker = newMarker();
  return { script: buildProbeScript(steps, marker), marker, count: steps.length, files, sysctlFile, sysctls };
}

function converge(p: Prepared): void {
  for (const [path, f] of p.files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content, { mode: Number.parseInt(f.mode, 8) });
    execFileSync('chmod', [f.mode, path]);
  }
  mkdirSync(dirname(p.sysctlFile), { recursive: true });
  writeFileSync(p.sysctlFile, p.sysctls.map(([k, v]) => `${k} = ${v}\n`).join(''));
  const set = p.sysctls.map(([k, v]) => `echo ${v} > /proc/sys/${k.replace(/\./g, '/')}`).join('\n');
  execFileSync('ip', ['netns', 'exec', NETNS, 'sh', '-c', set]);
}

function unconverge(p: Prepared): void {
  for (const path of [...p.files.keys(), p.sysctlFile]) rmSync(path, { force: true });
}

const DASH = ['ip', 'netns', 'exec', NETNS, 'dash', '-s'];

function runOnce(p: Prepared): { ms: number; bytes: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(DASH[0] as string, DASH.slice(1), { input: p.script, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`probe script failed (${r.status}): ${r.stderr}`);
  const frames = parseFrames(r.stdout, p.marker, p.count, r.stderr);
  const bad = frames.steps.findIndex((s) => s === undefined || s.exitCode !== 0 || s.stderr !== '');
  if (bad !== -1) throw new Error(`step ${bad} did not report cleanly: ${JSON.stringify(frames.steps[bad])}`);
  return { ms, bytes: r.stdout.length };
}

/** The same `ip netns exec … dash -s` with an empty script: what is not the probe's. */
function baseline(): number {
  const start = process.hrtime.bigint();
  spawnSync(DASH[0] as string, DASH.slice(1), { input: 'true\n' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};

/**
 * Processes started, programs run, and all system calls (reads apart: dash's
 * `read` takes a byte per call) of one script, counted by strace (dash itself
 * excluded from execs).
 */
function countCalls(p: Prepared): { forks: number; execs: number; reads: number; syscalls: number } | null {
  if (spawnSync('strace', ['-V']).status !== 0) return null;
  const r = spawnSync('ip', ['netns', 'exec', NETNS, 'strace', '-f', '-c', 'dash', '-s'], { input: p.script, encoding: 'utf8', maxBuffer: 64 << 20 });
  const count = (name: string): number => Number(new RegExp(`^\\s*[\\d.]+\\s+[\\d.]+\\s+\\d+\\s+(\\d+)(?:\\s+\\d+)?\\s+${name}$`, 'm').exec(r.stderr)?.[1] ?? 0);
  const total = Number(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)(?:\s+\d+)?\s+total$/m.exec(r.stderr)?.[1] ?? 0);
  return { forks: count('clone') + count('clone3') + count('fork') + count('vfork'), execs: count('execve') - 1, reads: count('read'), syscalls: total };
}

function measureState(name: string, p: Prepared): void {
  for (let i = 0; i < 5; i++) runOnce(p); // warm caches
  const times: number[] = [];
  const base: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = runOnce(p);
    times.push(r.ms);
    bytes = r.bytes;
    base.push(baseline());
  }
  const calls = countCalls(p);
  const b = quantile(base, 0.5);
  const line = [
    `${name.padEnd(10)}`,
    `median ${quantile(times, 0.5).toFixed(1)} ms (p25 ${quantile(times, 0.25).toFixed(1)}, p75 ${quantile(times, 0.75).toFixed(1)})`,
    `empty script ${b.toFixed(1)} ms → probe ${(quantile(times, 0.5) - b).toFixed(1)} ms`,
    `output ${bytes} B`,
    calls ? `forks ${calls.forks}, execs ${calls.execs}, syscalls ${calls.syscalls} (read ${calls.reads})` : 'forks n/a (no strace)',
  ];
  process.stdout.write(`${line.join(' | ')}\n`);
}

if (process.getuid?.() !== 0) {
  process.stderr.write('bench/probe-cost.ts needs root (a scratch network namespace for the sysctls)\n');
  process.exit(1);
}
const root = mkdtempSync(join(tmpdir(), 'zc-probecost-'));
try {
  execFileSync('ip', ['netns', 'add', NETNS]);
  const p = prepare(root);
  process.stdout.write(`probe script: ${p.count} tasks, ${p.script.length} bytes; ${RUNS} runs per state, ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}\n`);
  converge(p);
  measureState('converged', p);
  unconverge(p);
  measureState('fresh', p);
  // The engine's own share: the same framing around 40 steps that do nothing.
  const marker = newMarker();
  measureState('framing', { ...p, marker, script: buildProbeScript(Array.from({ length: p.count }, () => ({ text: ':' })), marker) });
} finally {
  spawnSync('ip', ['netns', 'del', NETNS]);
  rmSync(root, { recursive: true, force: true });
}
