/**
 * One node's processes on the controller: boot its init, run the ensure
 * script inside it, stop it. A node is a network namespace (named, under
 * /run/netns) plus PID, mount, UTS and IPC namespaces held by its init.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { TaskError } from '../modules/contract.ts';
import { netnsProcesses, run, sleep, tryRun, type ProcessSnapshot } from './host.ts';
import { bootScript, READY_FILE, type BootPaths } from './node-script.ts';

// Generous: on a machine busy with other labs a boot can take seconds.
const BOOT_TIMEOUT_MS = 60_000;

/** The node's init (PID 1 of its PID namespace) on the controller, if it runs. */
export function nodeInit(netns: string, snapshot?: ProcessSnapshot): number | undefined {
  return netnsProcesses(netns, snapshot).find((p) => p.isInit)?.pid;
}

/** The init `unshare --fork` started: its only child. */
function childOf(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length === 1 ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the node's init and waits until its root is ready; returns its PID on the controller. */
export async function bootNode(netns: string, paths: BootPaths, logFile: string): Promise<number> {
  for (const dir of [paths.root, paths.upper, paths.work]) mkdirSync(dir, { recursive: true, mode: 0o755 });
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const log = openSync(logFile, 'w', 0o600);
  let exited: string | undefined;
  let unsharePid: number | undefined;
  try {
    const child = spawn(
      'nsenter',
      [`--net=/run/netns/${netns}`, 'unshare', '--mount', '--pid', '--uts', '--ipc', '--fork', '--propagation', 'private', '--', 'sh', '-c', bootScript(paths)],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.on('exit', (code, signal) => {
      exited = `exit ${code ?? signal}`;
    });
    child.on('error', (e) => {
      exited = e.message;
    });
    child.unref();
    unsharePid = child.pid;
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    const pid = unsharePid === undefined ? undefined : childOf(unsharePid);
    if (pid !== undefined && existsSync(`/proc/${pid}/root${READY_FILE}`)) return pid;
    if (exited !== undefined || Date.now() > deadline) {
      const why = exited ?? `not ready after ${BOOT_TIMEOUT_MS / 1000}s`;
      const output = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' / ');
      throw new TaskError(`node ${netns} did not boot (${why})${output ? `: ${output}` : ''}`);
    }
    await sleep(20);
  }
}

/** Runs a bash script inside the running node (all its namespaces, its root). */
export async function runInNode(initPid: number, script: string, timeoutMs = 120_000) {
  return tryRun(nodeShellArgv(initPid), { input: script, timeoutMs });
}

/** `bash -s` inside the node: all its namespaces, its root and working directory. */
export function nodeShellArgv(initPid: number): string[] {
  return ['nsenter', '-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', 'bash', '-s'];
}

/** Kills every process in the node's network namespace (its init first: that ends its whole PID namespace). */
export async function stopNode(netns: string): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 100; round++) {
    const procs = netnsProcesses(netns);
    if (procs.length === 0) return killed;
    for (const p of [...procs.filter((x) => x.isInit), ...procs.filter((x) => !x.isInit)]) {
      try {
        process.kill(p.pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    await sleep(50);
  }
  const left = netnsProcesses(netns).map((p) => p.pid);
  throw new TaskError(`processes in ${netns} did not end: ${left.join(', ')}`);
}

export async function deleteNetns(netns: string): Promise<void> {
  if (existsSync(`/run/netns/${netns}`)) await run(['ip', 'netns', 'delete', netns]);
}
