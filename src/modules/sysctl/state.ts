/**
 * Probe and parse of sysctl keys: each key's running value under /proc/sys
 * and, when persisted, the sysctl.d file zonectl keeps.
 *
 * One process per task, whatever the number of keys (every fork+exec counts
 * when 30 hosts share 2 cores): the shell's own tests sort out what exists,
 * then a single `grep -H -n ''` prints every line of the keys' /proc/sys files
 * and of the persisted file, each prefixed with its path and line number.
 * Not the shell's `read`: dash reads a byte per call, and most /proc/sys files
 * answer a read at a non-zero offset with end-of-file ("6" of "600").
 *
 * Probe output lines:
 *   sysctl.missing <key> [noiface]   (noiface: its interface does not exist either)
 *   sysctl.module loaded|loadable|unloadable [modprobe's words]   (when `module` is given)
 *   sysctl.file regular|missing|nodir|unreadable|other            (when persisted)
 *   <path>:<line number>:<line as is>   (grep: each line of a present key's
 *                                         /proc/sys file and of the persisted file)
 *   sysctl.grep <grep's exit status>     (when grep ran)
 * A present key without any line could not be read (write-only): grep says
 * why on stderr.
 *
 * Tasks probed together (sysctlProbeTogether) share one grep for all of them.
 */
import { posix } from 'node:path';
import { TaskError } from '../contract.ts';
import type { ProbeOutput, ProbeTogether } from '../contract.ts';
import { quote } from '../../shell/quote.ts';
import { readKeyLines } from '../properties/key-lines.ts';
import type { KeyLine } from '../properties/key-lines.ts';
import { sysfsName } from '../kernel_module/schema.ts';
import { interfaceOf, normaliseValue, procPath } from './keys.ts';
import type { SysctlParams } from './schema.ts';

export type RuntimeValue =
  | { status: 'value'; value: string }
  /** interface: the per-interface key's interface does not exist (yet). */
  | { status: 'missing'; interface?: string }
  | { status: 'unreadable' };

export type ModuleStatus = { status: 'loaded' | 'loadable' } | { status: 'unloadable'; why: string };

export interface SysctlState {
  runtime: Record<string, RuntimeValue>;
  /** The providing kernel module's status; null when `module` is not given. */
  module: ModuleStatus | null;
  /** The persisted file; null when persist is false. */
  persisted: PersistedFile | null;
}

export interface PersistedFile {
  file: { kind: 'missing'; dirExists: boolean } | { kind: 'regular' };
  /** The key lines of this task's keys (other lines are not read), with their own line numbers. */
  lines: KeyLine[];
}

// LC_ALL=C: bytes as they are, whatever the host's locale.
const GREP = `LC_ALL=C grep -H -n '' -- "$@"`;

/** The /proc/sys file of a key. */
const procFile = (key: string): string => `/proc/sys/${procPath(key)}`;

/**
 * A present key's file joins grep's arguments (unless a shared grep reads
 * it); a missing one is said, with whether its interface exists.
 */
function keyProbe(key: string, shared: boolean): string {
  const k = quote(key);
  const iface = interfaceOf(key);
  const missing =
    iface === null
      ? `printf 'sysctl.missing %s\\n' ${k}`
      : `if [ -e ${quote(`/sys/class/net/${iface}`)} ]; then printf 'sysctl.missing %s\\n' ${k}; else printf 'sysctl.missing %s noiface\\n' ${k}; fi`;
  const f = quote(procFile(key));
  return `if [ -f ${f} ]; then ${shared ? ':' : `set -- "$@" ${f}`}; else ${missing}; fi`;
}

/** The persisted file's kind; a readable regular file joins grep's arguments (unless a shared grep reads it). */
function persistedProbe(file: string, shared: boolean): string {
  const f = quote(file);
  return [
    `if [ -L ${f} ] || { [ -e ${f} ] && [ ! -f ${f} ]; }; then echo sysctl.file other`,
    `elif [ -f ${f} ]; then if [ -r ${f} ]; then echo sysctl.file regular${shared ? '' : `; set -- "$@" ${f}`}; else echo sysctl.file unreadable; fi`,
    `elif [ -d ${quote(posix.dirname(file))} ]; then echo sysctl.file missing`,
    `else echo sysctl.file nodir; fi`,
  ].join('\n');
}

export function sysctlProbe(params: SysctlParams): string {
  return [...statusProbe(params, false), `if [ $# -gt 0 ]; then ${GREP}; echo "sysctl.grep $?"; fi`].join('\n');
}

/**
 * Several sysctl tasks probed together: one grep reads every key's file and
 * every persisted file of them all (the same files, under the same tests, a
 * task's own probe would give its grep); each task prints its own status
 * lines, and the engine appends the grep's output to each: each parses as if
 * probed alone (parse picks its own files' lines by path).
 */
export function sysctlProbeTogether(list: readonly SysctlParams[]): ProbeTogether {
  const keyFiles = [...new Set(list.flatMap((p) => Object.keys(p.set).map(procFile)))].map(quote);
  const persisted = [...new Set(list.filter((p) => p.persist).map((p) => p.file))].map(quote);
  const shared = [
    'set --',
    ...keyFiles.map((f) => `if [ -f ${f} ]; then set -- "$@" ${f}; fi`),
    ...persisted.map((f) => `if [ -f ${f} ] && ! [ -L ${f} ] && [ -r ${f} ]; then set -- "$@" ${f}; fi`),
    // Printed once; the engine hands it to every task after the task's own lines.
    `if [ $# -gt 0 ]; then ${GREP}; echo "sysctl.grep $?"; fi`,
  ].join('\n');
  return { shared, items: list.map((p) => statusProbe(p, true).join('\n')) };
}

/** Every line of a task's probe but its grep: the missing keys, the module, the persisted file's kind. */
function statusProbe(params: SysctlParams, shared: boolean): string[] {
  const keys = Object.keys(params.set);
  const lines = [...(shared ? [] : ['set --']), ...keys.map((k) => keyProbe(k, shared))];
  if (params.module !== undefined) {
    const m = quote(params.module);
    lines.push(
      `if [ -d ${quote(`/sys/module/${sysfsName(params.module)}`)} ]; then echo 'sysctl.module loaded'`,
      `elif command -v modprobe >/dev/null 2>&1 && zc_why=$(modprobe -n ${m} 2>&1); then echo 'sysctl.module loadable'`,
      `else printf 'sysctl.module unloadable %s\n' "$(command -v modprobe >/dev/null 2>&1 && printf '%s' "$zc_why" || echo 'modprobe is not installed')" | head -n 1; fi`,
    );
  }
  if (params.persist) lines.push(persistedProbe(params.file, shared));
  return lines;
}

/** grep's lines, by the file they came from (paths known in advance: the longest that fits wins). */
function linesByFile(stdout: string, paths: readonly string[]): Map<string, { line: number; text: string }[]> {
  const byLength = [...new Set(paths)].sort((a, b) => b.length - a.length);
  const out = new Map<string, { line: number; text: string }[]>();
  for (const raw of stdout.split('\n')) {
    for (const path of byLength) {
      if (!raw.startsWith(`${path}:`)) continue;
      const m = /^(\d+):/.exec(raw.slice(path.length + 1));
      if (!m) continue;
      const list = out.get(path) ?? [];
      list.push({ line: Number(m[1]), text: raw.slice(path.length + 1 + m[0].length) });
      out.set(path, list);
      break;
    }
  }
  return out;
}

/**
 * The key lines of a persisted file's text. Tasks probed together all read
 * the same file (every sysctl task of a host, often of every host): the last
 * text read is remembered so the file is parsed once, not once per task.
 */
let lastRead: { text: string; entries: readonly KeyLine[] } | undefined;
function keyLinesOf(text: string): readonly KeyLine[] {
  if (lastRead?.text !== text) lastRead = { text, entries: readKeyLines(text, 'sysctl') };
  return lastRead.entries;
}

function parsePersisted(stdout: string, lines: readonly { line: number; text: string }[], file: string, keys: readonly string[]): PersistedFile {
  const kind = /^sysctl\.file (\S+)$/m.exec(stdout)?.[1];
  if (kind === 'missing' || kind === 'nodir') return { file: { kind: 'missing', dirExists: kind === 'missing' }, lines: [] };
  if (kind === 'other') throw new TaskError(`${file} is not a regular file; zonectl only edits regular files`);
  if (kind === 'unreadable') throw new TaskError(`cannot read ${file}: permission denied (run as root or with become)`);
  if (kind !== 'regular') throw new TaskError(`cannot read ${file}: unexpected probe output ${JSON.stringify(stdout.slice(0, 200))}`);
  const wanted = new Set(keys);
  const found: KeyLine[] = [];
  // One pass over the file (sysctl lines have no continuations: entry i is grep's line i), not one per line.
  for (const entry of keyLinesOf(lines.map((l) => l.text).join('\n'))) {
    if (wanted.has(entry.key)) found.push({ ...entry, line: (lines[entry.line]?.line ?? entry.line + 1) - 1 });
  }
  return { file: { kind: 'regular' }, lines: found };
}

export function parseSysctl(output: ProbeOutput, params: SysctlParams): SysctlState {
  const keys = Object.keys(params.set);
  const runtime: Record<string, RuntimeValue> = {};
  for (const m of output.stdout.matchAll(/^sysctl\.missing (\S+)( noiface)?$/gm)) {
    const key = m[1] as string;
    const iface = interfaceOf(key);
    runtime[key] = m[2] !== undefined && iface !== null ? { status: 'missing', interface: iface } : { status: 'missing' };
  }
  const paths = keys.map(procFile);
  if (params.persist) paths.push(params.file);
  const lines = linesByFile(output.stdout, paths);
  const grepRan = /^sysctl\.grep \d+$/m.test(output.stdout);
  for (const key of keys) {
    if (runtime[key]) continue;
    const read = lines.get(procFile(key));
    if (read) runtime[key] = { status: 'value', value: normaliseValue(read.map((l) => l.text).join(' ')) };
    // Present (else it would be missing) but no line: grep could not read it.
    else if (grepRan) runtime[key] = { status: 'unreadable' };
    else throw new TaskError(`cannot read sysctl ${key}: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
  }
  let module: ModuleStatus | null = null;
  if (params.module !== undefined) {
    const m = /^sysctl\.module (loaded|loadable|unloadable)(?: (.*))?$/m.exec(output.stdout);
    if (!m) throw new TaskError(`cannot tell whether kernel module ${params.module} is loaded: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
    module = m[1] === 'unloadable' ? { status: 'unloadable', why: m[2] ?? '' } : { status: m[1] as 'loaded' | 'loadable' };
  }
  const persisted = params.persist ? parsePersisted(output.stdout, lines.get(params.file) ?? [], params.file, keys) : null;
  return { runtime, module, persisted };
}
