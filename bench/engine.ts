/**
 * The engine benchmark on a lab on this machine (sshd in network namespaces):
 * for N nodes, the reference hypervisor workload (bench/hypervisor.yml: 40
 * tasks per node, 20 files and 20 sysctls) through the zonectl CLI — first
 * apply, no-change check, check with one value drifted by hand — and the same
 * three runs through Ansible (bench/ansible/) on the same nodes; the floor (N
 * ssh2 connections each running one no-op) measured in the same run.
 * Every tool runs as a child process, measured by GNU time (bench/measure.ts).
 * It reports; it never asserts. Needs root (the lab).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { loadInventory } from '../src/inventory/index.ts';
import { labDown, labUp, machineProblems } from '../src/lab/index.ts';
import type { JsonReport } from '../src/report/json.ts';
import { SshConnector } from '../src/transport/index.ts';
import { countSessions, installSshCounters, parseRecap, runAnsible } from './ansible.ts';
import { measure, type Measured } from './measure.ts';
import { driftScript, parseSysctls, readSysctlsScript, readWorkload, resetScript, ZONECTL_PLAYBOOK, type Workload } from './workload.ts';

export const LAB = 'zcbench';
export const BENCH_SIZES = [1, 10, 30] as const;
/** Ansible's runs take minutes at N=10 on this machine kind; N=30 only when asked for. */
export const ANSIBLE_SIZES = [1, 10] as const;

const ZONECTL = new URL('../bin/zonectl.js', import.meta.url).pathname;
const FLOOR = new URL('./floor.ts', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;

export type RunKey = 'apply' | 'check' | 'drift';
export const RUNS: Record<RunKey, string> = { apply: 'first apply', check: 'no-change check', drift: 'check, 1 value drifted' };

export interface RunMeasure {
  /** The child process, start to exit (what the operator waits for). */
  wallSeconds: number;
  /** Every repetition's wall time, when repeated (the reported run is the median's). */
  walls?: number[];
  /** zonectl only: the run inside the process (connect … report), from its JSON `elapsedSeconds`. */
  runSeconds?: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Max over hosts: zonectl's SSH exec requests / Ansible's ssh+sftp sessions. */
  sessionsPerHost: number;
  /** Max over hosts: tasks changed (or pending, for a check). */
  changedPerHost: number;
  failedHosts: number;
  error?: string;
}

export interface FloorMeasure {
  wallSeconds: number;
  walls?: number[];
  /** First connect to last close, inside the process. */
  connectSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  execsPerHost: number;
}

export interface SizeResult {
  nodes: number;
  /** How many times the floor and each zonectl run were measured (the median's run is kept, with every wall time in `walls`). */
  repeats: number;
  floor: FloorMeasure;
  zonectl: Record<RunKey, RunMeasure>;
  ansible?: Record<RunKey, RunMeasure>;
  ansibleSkipped?: string;
}

export interface EngineBenchOptions {
  sizes: readonly number[];
  ansibleSizes: readonly number[];
  /** zonectl's runs and the floor are repeated this many times; the median run is reported. */
  repeat: number;
  /** undefined when Ansible can run; else why not. */
  ansibleUnavailable?: string;
  log: (line: string) => void;
}

export interface EngineBenchResult {
  labUpSeconds: number;
  tasksPerNode: number;
  sizes: SizeResult[];
}

/** Runs `script` on every host of `inventoryFile` in parallel over ssh2; returns stdout per host. */
async function onNodes(inventoryFile: string, script: string): Promise<Map<string, string>> {
  const inventory = loadInventory([inventoryFile]);
  const connector = new SshConnector({ acceptNewHostKeys: false });
  const out = new Map<string, string>();
  await Promise.all(
    [...inventory.hosts.values()].map(async (host) => {
      const conn = await connector.connect(host.name, host.connection);
      try {
        const r = await conn.runScript(script);
        if (r.exitCode !== 0) throw new Error(`${host.name}: bench node script failed (${r.exitCode}): ${r.stderr.trim()}`);
        out.set(host.name, r.stdout);
      } finally {
        await conn.close();
      }
    }),
  );
  return out;
}

/** The lab's inventory cut to its first `n` hosts (both tools read the same file). */
function subsetInventory(labInventory: string, n: number, dir: string): { file: string; addresses: string[] } {
  const doc = yaml.load(readFileSync(labInventory, 'utf8')) as { all: { hosts: Record<string, { address: string }> } };
  const hosts = Object.entries(doc.all.hosts).slice(0, n);
  if (hosts.length < n) throw new Error(`the lab has ${hosts.length} nodes, ${n} needed`);
  const file = join(dir, `inventory-${n}.yml`);
  writeFileSync(file, yaml.dump({ all: { hosts: Object.fromEntries(hosts) } }));
  return { file, addresses: hosts.map(([, h]) => h.address) };
}

function zonectlMeasure(m: Measured, expectCode: number): RunMeasure {
  let doc: JsonReport | undefined;
  try {
    doc = JSON.parse(m.stdout) as JsonReport;
  } catch {
    // reported below
  }
  const hosts = doc ? Object.values(doc.hosts) : [];
  const failed = hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable');
  const error =
    m.code !== expectCode ? `zonectl exited ${m.code} (expected ${expectCode}): ${(failed[0]?.error ?? m.stderr.trim()).slice(0, 300)}` : failed[0]?.error;
  return {
    wallSeconds: m.wallSeconds,
    ...(doc ? { runSeconds: doc.elapsedSeconds } : {}),
    cpuSeconds: m.cpuSeconds,
    peakRssMb: m.peakRssMb,
    sessionsPerHost: Math.max(0, ...hosts.map((h) => h.execRequests)),
    changedPerHost: Math.max(0, ...hosts.map((h) => h.recap.changed)),
    failedHosts: failed.length,
    ...(error ? { error } : {}),
  };
}

function ansibleMeasure(m: Measured, sessions: Map<string, number>, hostCount: number): RunMeasure {
  const recap = [...parseRecap(m.stdout).values()];
  const failedHosts = recap.filter((r) => r.failed > 0 || r.unreachable > 0).length + Math.max(0, hostCount - recap.length);
  const failedLine = m.stdout.split('\n').find((l) => /^fatal:|FAILED!|UNREACHABLE!/.test(l));
  const error = m.code !== 0 ? `ansible-playbook exited ${m.code}: ${(failedLine ?? m.stderr.trim()).slice(0, 300)}` : undefined;
  return {
    wallSeconds: m.wallSeconds,
    cpuSeconds: m.cpuSeconds,
    peakRssMb: m.peakRssMb,
    sessionsPerHost: Math.max(0, ...sessions.values()),
    changedPerHost: Math.max(0, ...recap.map((r) => r.changed)),
    failedHosts,
    ...(error ? { error } : {}),
  };
}

/** The run with the median wall time (the lower middle one for an even count), with every wall time. */
function median<T extends { wallSeconds: number }>(runs: readonly T[]): T & { walls: number[] } {
  const sorted = [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)] as T;
  return { ...mid, walls: runs.map((r) => r.wallSeconds) };
}

async function zonectlRuns(
  inventory: string,
  n: number,
  w: Workload,
  original: Map<string, string>,
  repeat: number,
  log: (l: string) => void,
): Promise<Record<RunKey, RunMeasure>> {
  const env = { ...process.env, SSH_AUTH_SOCK: '' };
  const run = (command: string) => measure(process.execPath, [ZONECTL, command, '--json', '--forks', String(n), '-i', inventory, ZONECTL_PLAYBOOK], { env });
  const runs: Record<RunKey, RunMeasure[]> = { apply: [], check: [], drift: [] };
  for (let r = 1; r <= repeat; r++) {
    // Every repetition starts from the same state: nothing applied yet.
    if (r > 1) await onNodes(inventory, resetScript(w, original));
    const of = repeat > 1 ? ` (${r}/${repeat})` : '';
    log(`  N=${n} zonectl: first apply${of}`);
    runs.apply.push(zonectlMeasure(await run('apply'), 0));
    log(`  N=${n} zonectl: no-change check${of}`);
    runs.check.push(zonectlMeasure(await run('check'), 0));
    await onNodes(inventory, driftScript(w, original));
    log(`  N=${n} zonectl: check with one drifted value${of}`);
    runs.drift.push(zonectlMeasure(await run('check'), 2));
  }
  return { apply: median(runs.apply), check: median(runs.check), drift: median(runs.drift) };
}

async function ansibleRuns(
  inventory: string,
  addresses: string[],
  n: number,
  w: Workload,
  original: Map<string, string>,
  dir: string,
  log: (l: string) => void,
): Promise<Record<RunKey, RunMeasure>> {
  const counters = join(dir, 'ssh-counters');
  const sessionsLog = installSshCounters(counters);
  const run = async (check: boolean) => {
    writeFileSync(sessionsLog, '');
    const m = await runAnsible(inventory, n, check, dir, counters);
    return ansibleMeasure(m, countSessions(sessionsLog, addresses), n);
  };
  log(`  N=${n} Ansible: first apply`);
  const apply = await run(false);
  log(`  N=${n} Ansible: no-change --check (${apply.wallSeconds.toFixed(0)} s for the apply)`);
  const check = await run(true);
  await onNodes(inventory, driftScript(w, original));
  log(`  N=${n} Ansible: --check with one drifted value`);
  const drift = await run(true);
  return { apply, check, drift };
}

/**
 * Both tools run compiled, not through tsx: `npm run build` bundles zonectl
 * (bin/zonectl.js runs the bundle when it is fresh), and the floor program
 * is bundled the same way, beside node_modules so that its packages resolve.
 */
function buildBoth(): string {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const out = join(ROOT, 'node_modules', '.cache', 'zonectl-bench', 'floor.mjs');
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [FLOOR, '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external', `--outfile=${out}`, '--log-level=warning'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return out;
}

async function floor(program: string, inventory: string): Promise<FloorMeasure> {
  const m = await measure(process.execPath, [program, inventory], { env: { ...process.env, SSH_AUTH_SOCK: '' } });
  if (m.code !== 0) throw new Error(`the floor run failed: ${m.stderr.trim()}`);
  const r = JSON.parse(m.stdout) as { connectSeconds: number; execs: number };
  return { wallSeconds: m.wallSeconds, connectSeconds: r.connectSeconds, cpuSeconds: m.cpuSeconds, peakRssMb: m.peakRssMb, execsPerHost: r.execs };
}

export async function benchEngine(options: EngineBenchOptions): Promise<EngineBenchResult> {
  const { sizes, ansibleSizes, log } = options;
  const problems = machineProblems();
  if (problems.length > 0) throw new Error(`the engine benchmark needs the lab: ${problems.join('; ')}`);
  const workload = readWorkload();
  const largest = Math.max(...sizes);
  log('building zonectl and the floor program…');
  const floorProgram = buildBoth();
  const dir = mkdtempSync(join(tmpdir(), 'zonectl-bench-engine-'));
  mkdirSync(join(dir, 'ansible-tmp'));
  const results: SizeResult[] = [];
  try {
    const nodes = Array.from({ length: largest }, (_, i) => `  n${String(i + 1).padStart(2, '0')}: {}`);
    writeFileSync(join(dir, 'lab.yml'), `name: ${LAB}\nnodes:\n${nodes.join('\n')}\n`);
    log(`bringing up lab ${LAB} with ${largest} nodes…`);
    const upStart = performance.now();
    const lab = await labUp(join(dir, 'lab.yml'));
    const labUpSeconds = (performance.now() - upStart) / 1000;
    // The kernel's values before anything is applied, to reset nodes between tools.
    const all = subsetInventory(lab.inventoryFile, largest, dir);
    const first = subsetInventory(lab.inventoryFile, 1, dir);
    const original = parseSysctls([...(await onNodes(first.file, readSysctlsScript(workload))).values()][0] ?? '');
    await onNodes(all.file, resetScript(workload, original));
    for (const n of sizes) {
      const { file, addresses } = subsetInventory(lab.inventoryFile, n, dir);
      log(`N=${n}: floor`);
      const floors: FloorMeasure[] = [];
      for (let r = 0; r < options.repeat; r++) floors.push(await floor(floorProgram, file));
      await onNodes(file, resetScript(workload, original));
      const zonectl = await zonectlRuns(file, n, workload, original, options.repeat, log);
      const result: SizeResult = { nodes: n, repeats: options.repeat, floor: median(floors), zonectl };
      if (options.ansibleUnavailable) result.ansibleSkipped = options.ansibleUnavailable;
      else if (!ansibleSizes.includes(n)) result.ansibleSkipped = `not run at N=${n}: its runs take many minutes on a 2-core machine (add ${n} to --ansible-nodes to run it)`;
      else {
        await onNodes(file, resetScript(workload, original));
        result.ansible = await ansibleRuns(file, addresses, n, workload, original, dir, log);
      }
      await onNodes(file, resetScript(workload, original));
      results.push(result);
    }
    return { labUpSeconds, tasksPerNode: workload.files.length + workload.sysctls.length, sizes: results };
  } finally {
    await labDown(LAB).catch((e: unknown) => log(`lab down failed: ${(e as Error).message}`));
    rmSync(dir, { recursive: true, force: true });
  }
}
