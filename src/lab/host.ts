/**
 * Running programs on the controller (this machine) and reading its /proc.
 * Programs are run with argument vectors, never through a shell; the only
 * shell text the lab runs is the node scripts, built with quote().
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { command } from '../shell/quote.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class HostCommandError extends Error {
  readonly result: RunResult;
  constructor(argv: string[], result: RunResult) {
    super(`${argv.join(' ')} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}`);
    this.name = 'HostCommandError';
    this.result = result;
  }
}

/** Runs a program; never throws for a non-zero exit (see `run`). */
export function tryRun(argv: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: `${program}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a program and throws HostCommandError when it fails. */
export async function run(argv: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const result = await tryRun(argv, options);
  if (result.code !== 0) throw new HostCommandError(argv, result);
  return result;
}

export interface Job {
  argv: string[];
  input?: string;
}

/**
 * Runs many programs at once through ONE bash on the controller. Starting a
 * process from Node blocks its thread until the exec is done, which on a busy
 * machine costs ~100 ms each; one bash that starts them all in the background
 * costs that once. Inputs and outputs go through files in a private temp dir
 * under `dir` (inputs may hold keys).
 */
export async function runMany(jobs: Job[], dir: string, timeoutMs = 300_000): Promise<RunResult[]> {
  if (jobs.length === 0) return [];
  const tmp = mkdtempSync(join(dir, '.jobs-'));
  try {
    const lines = jobs.map((job, i) => {
      writeFileSync(join(tmp, `${i}.in`), job.input ?? '', { mode: 0o600 });
      const f = (ext: string) => command(join(tmp, `${i}.${ext}`));
      return `( ${command(...job.argv)} < ${f('in')} > ${f('out')} 2> ${f('err')}; echo $? > ${f('rc')} ) &`;
    });
    await run(['bash', '-c', `${lines.join('\n')}\nwait\n`], { timeoutMs });
    return jobs.map((_, i) => {
      const read = (ext: string) => {
        try {
          return readFileSync(join(tmp, `${i}.${ext}`), 'utf8');
        } catch {
          return '';
        }
      };
      return { code: Number(read('rc').trim() || 1), stdout: read('out'), stderr: read('err') };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface HostLink {
  ifname: string;
  master?: string;
  operstate?: string;
  flags?: string[];
  mtu?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string };
}

/** `ip -d -j link show` in the controller's or a namespace's network stack. */
export async function listLinks(netns?: string): Promise<HostLink[]> {
  const argv = netns ? ['ip', '-n', netns, '-d', '-j', 'link', 'show'] : ['ip', '-d', '-j', 'link', 'show'];
  const result = await tryRun(argv);
  if (result.code !== 0) return [];
  return JSON.parse(result.stdout || '[]') as HostLink[];
}

export interface HostRoute {
  dst: string;
  dev?: string;
}

export async function listRoutes(): Promise<HostRoute[]> {
  const result = await run(['ip', '-j', 'route', 'show', 'table', 'all']);
  return JSON.parse(result.stdout || '[]') as HostRoute[];
}

export function netnsExists(netns: string): boolean {
  try {
    statSync(`/run/netns/${netns}`);
    return true;
  } catch {
    return false;
  }
}

export function listNetns(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/** The inode that identifies a named network namespace, if it exists. */
function netnsInode(netns: string): string | undefined {
  try {
    return `net:[${statSync(`/run/netns/${netns}`).ino}]`;
  } catch {
    return undefined;
  }
}

export interface NetnsProcess {
  pid: number;
  /** PID 1 of its own PID namespace: a lab node's init. */
  isInit: boolean;
}

/** Live processes by network namespace identity (`net:[inode]`), from one pass over /proc. */
export type ProcessSnapshot = Map<string, NetnsProcess[]>;

export function snapshotProcesses(): ProcessSnapshot {
  const byNetns: ProcessSnapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ns = readlinkSync(`/proc/${entry}/ns/net`);
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      const nspid = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/) ?? [];
      const list = byNetns.get(ns) ?? [];
      list.push({ pid: Number(entry), isInit: nspid.length > 1 && nspid[nspid.length - 1] === '1' });
      byNetns.set(ns, list);
    } catch {
      // the process ended while we looked, or is a kernel thread without a namespace link
    }
  }
  return byNetns;
}

/** Every live process in a named network namespace (what `ip netns pids` lists), read from /proc. */
export function netnsProcesses(netns: string, snapshot?: ProcessSnapshot): NetnsProcess[] {
  const inode = netnsInode(netns);
  if (!inode) return [];
  return (snapshot ?? snapshotProcesses()).get(inode) ?? [];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Mount points under `dir` (or `dir` itself), deepest first, from the controller's mount table. */
export function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const points = lines
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}
