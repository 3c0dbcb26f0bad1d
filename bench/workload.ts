/**
 * The reference hypervisor workload (bench/hypervisor.yml, 20 files and 20
 * sysctls per host) as data, read from the playbook itself so the node
 * scripts below can never disagree with it: reset a node to its state before
 * the first apply, and drift one value by hand.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { quote } from '../src/shell/quote.ts';

export const ZONECTL_PLAYBOOK = new URL('./hypervisor.yml', import.meta.url).pathname;
export const ANSIBLE_PLAYBOOK = new URL('./ansible/site.yml', import.meta.url).pathname;
export const ANSIBLE_CONFIG = new URL('./ansible/ansible.cfg', import.meta.url).pathname;

export interface Workload {
  files: string[];
  /** sysctl key → desired value, in task order. */
  sysctls: [string, string][];
  sysctlFiles: string[];
}

interface Task {
  file?: { path: string };
  sysctl?: { name: string; value: string; file?: string };
}

export function readWorkload(playbook = ZONECTL_PLAYBOOK): Workload {
  const plays = yaml.load(readFileSync(playbook, 'utf8')) as { tasks: Task[] }[];
  const tasks = plays.flatMap((p) => p.tasks);
  return {
    files: tasks.flatMap((t) => (t.file ? [t.file.path] : [])),
    sysctls: tasks.flatMap((t): [string, string][] => (t.sysctl ? [[t.sysctl.name, String(t.sysctl.value)]] : [])),
    sysctlFiles: [...new Set(tasks.flatMap((t) => (t.sysctl ? [t.sysctl.file ?? '/etc/sysctl.d/60-zonectl.conf'] : [])))],
  };
}

const procPath = (key: string) => `/proc/sys/${key.replace(/\./g, '/')}`;

/** Prints `key=value` for every sysctl of the workload (values as the kernel prints them). */
export function readSysctlsScript(w: Workload): string {
  return w.sysctls.map(([key]) => `printf '%s=%s\\n' ${quote(key)} "$(cat ${quote(procPath(key))})"`).join('\n');
}

export function parseSysctls(output: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1));
  }
  return values;
}

/** Back to the state before any apply: no files, the kernel's original values. */
export function resetScript(w: Workload, original: Map<string, string>): string {
  const lines = ['set -e', `rm -f ${[...w.files, ...w.sysctlFiles].map(quote).join(' ')}`];
  for (const [key] of w.sysctls) {
    const value = original.get(key);
    if (value === undefined) throw new Error(`no original value recorded for ${key}`);
    lines.push(`echo ${quote(value)} > ${quote(procPath(key))}`);
  }
  return lines.join('\n');
}

/**
 * The key drifted by hand. Not ip_forward: writing that one makes the kernel
 * reset accept_redirects too, which would drift two values.
 */
export const DRIFT_KEY = 'net.ipv4.tcp_fin_timeout';

/** One value changed by hand: DRIFT_KEY back to its original value (running value only). */
export function driftScript(w: Workload, original: Map<string, string>): string {
  if (!w.sysctls.some(([key]) => key === DRIFT_KEY)) throw new Error(`the workload does not set ${DRIFT_KEY}`);
  const value = original.get(DRIFT_KEY);
  if (value === undefined) throw new Error(`no original value recorded for ${DRIFT_KEY}`);
  return `echo ${quote(value)} > ${quote(procPath(DRIFT_KEY))}`;
}
