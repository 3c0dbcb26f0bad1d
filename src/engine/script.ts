/**
 * The remote scripts of one host's round trips, and the parsing of what they
 * print. Pure: no I/O, no clock; the random marker is passed in.
 *
 * Every step (a task's probe or its commands) runs as `( eval 'TEXT' )`:
 * - the subshell keeps one step's `exit`, `cd` or variables from leaking into
 *   the next, and a syntax error in a step only fails that step (eval reports
 *   it inside the subshell) instead of killing the whole script;
 * - `</dev/null`: the script itself arrives on `sh -s`'s stdin, so a step that
 *   read stdin would swallow the rest of the script;
 * - `9>&-`: fd 9 holds the apply lock; a daemon started by a step must not
 *   inherit it and keep the host locked after zonectl has gone.
 *
 * Output is framed per step by lines that carry a random marker, so no probe
 * output can forge or break a frame. Stdout goes straight to the frame;
 * stderr goes to a temp file that is framed after it; then the exit status.
 *
 * An apply step that decides on the host to do nothing after all (a command's
 * guard that holds by now) says so with `skippedAtApply(reason)`: the reason
 * goes to a file named by `$zc_skipped`, framed after the step's stderr, and
 * the engine reports the task as skipped at apply time instead of changed.
 */
import { randomBytes } from 'node:crypto';
import type { ProbeOutput } from '../modules/contract.ts';
import { quote } from '../shell/quote.ts';

/** One piece of shell text to run, in order. */
export interface ScriptStep {
  /** Shell text (already revealed: it goes to the host as is, quoted as one word). */
  text: string;
  /**
   * Runs in the script's own shell, not a subshell (one process less per
   * step). Only for text zonectl generates that cannot exit, cd, read stdin
   * or fail to parse: the probes modules run together (probeTogether).
   */
  inline?: boolean;
}

/** 128 random bits: a probe cannot print a frame line it cannot guess. */
export function newMarker(): string {
  return `ZC${randomBytes(16).toString('hex')}`;
}

/** Exit status of an apply script when another apply holds the host's lock. */
export const LOCK_BUSY_EXIT = 99;
/** Exit status of an apply script when the lock cannot be taken at all. */
export const LOCK_ERROR_EXIT = 98;

function prelude(marker: string): string[] {
  return [
    // 128 random bits for this run, for names a step creates beside its target
    // (an atomic write's temporary file): nobody can plant something there in advance.
    `zc_run=${quote(marker.replace(/^ZC/, ''))}`,
    // A private temp dir for the stderr of each step, removed on exit. No fallback
    // to a predictable /tmp name: as root that would invite a symlink attack.
    'zc_tmp=$(mktemp -d) || { echo "cannot create a temporary directory (mktemp -d failed)" >&2; exit 97; }',
    "trap 'rm -rf \"$zc_tmp\"' EXIT",
    'zc_err="$zc_tmp/err"',
  ];
}

/**
 * Shell text for an apply step: report that the step did nothing, and why
 * (one line). Outside an apply script (no `$zc_skipped`) it writes nowhere.
 */
export function skippedAtApply(reason: string): string {
  return `printf '%s\\n' ${quote(reason)} >"\${zc_skipped:-/dev/null}"`;
}

function stepLines(marker: string, index: number, step: ScriptStep, strict: boolean): string[] {
  const body = strict ? `set -e; eval ${quote(step.text)}` : `eval ${quote(step.text)}`;
  // `:` first: a group with nothing but comments in it would not parse.
  const run = step.inline && !strict ? `{ :\n${step.text}\n}` : `( ${body} )`;
  // Apply steps only: the frame of a `skippedAtApply` note (see above).
  const skipped = strict ? [`printf '\\n%s S %s\\n' ${marker} ${index}`, '[ -s "$zc_skipped" ] && cat "$zc_skipped"'] : [];
  return [
    ...(strict ? [`zc_skipped="$zc_tmp/skipped.${index}"`] : []),
    `printf '\\n%s O %s\\n' ${marker} ${index}`,
    // `; zc_rc=$?` and not `|| ...`: set -e is ignored inside a list that tests the status.
    `${run} </dev/null 2>"$zc_err" 9>&-; zc_rc=$?`,
    `printf '\\n%s E %s\\n' ${marker} ${index}`,
    // `[` is a builtin: no extra process for the usual empty stderr
    '[ -s "$zc_err" ] && cat "$zc_err" 2>/dev/null',
    ...skipped,
    `printf '\\n%s X %s %s\\n' ${marker} ${index} "$zc_rc"`,
  ];
}

/** The probe (or verify) script: every step runs, whatever the others do; read-only by contract. */
export function buildProbeScript(steps: readonly ScriptStep[], marker: string): string {
  const lines = prelude(marker);
  steps.forEach((step, i) => lines.push(...stepLines(marker, i, step, false)));
  return `${lines.join('\n')}\n`;
}

export interface ApplyScriptOptions {
  /** The host name, for the message a second concurrent apply prints. */
  host: string;
  /** Lock file; its directory falls back to /tmp when missing or not writable. */
  lockFile: string;
}

/**
 * The apply script: takes the host's lock at once or fails, then runs each
 * step with `set -e` and stops at the first step that fails.
 */
export function buildApplyScript(steps: readonly ScriptStep[], marker: string, options: ApplyScriptOptions): string {
  const lockDir = options.lockFile.replace(/\/[^/]*$/, '') || '/';
  const lockName = options.lockFile.slice(lockDir.length + (lockDir === '/' ? 0 : 1));
  const lines = [
    ...prelude(marker),
    `zc_lock=${quote(options.lockFile)}`,
    `{ [ -d ${quote(lockDir)} ] && [ -w ${quote(lockDir)} ]; } || zc_lock=${quote(`/tmp/${lockName}`)}`,
    `command -v flock >/dev/null 2>&1 || { echo ${quote(`flock is not installed on ${options.host} (package util-linux); zonectl needs it to lock the host while applying`)} >&2; exit ${LOCK_ERROR_EXIT}; }`,
    // Test the redirection in a subshell first: a failing `exec 9>` would end the shell without a word.
    `( : >>"$zc_lock" ) 2>/dev/null || { printf '%s %s\\n' ${quote(`cannot open the lock file on ${options.host}:`)} "$zc_lock" >&2; exit ${LOCK_ERROR_EXIT}; }`,
    'exec 9>>"$zc_lock"',
    `flock -n 9 || { printf '%s (%s)\\n' ${quote(`another zonectl apply holds the lock on ${options.host}; try again when it has finished`)} "$zc_lock" >&2; exit ${LOCK_BUSY_EXIT}; }`,
    `printf '\\n%s L\\n' ${marker}`,
  ];
  steps.forEach((step, i) => {
    lines.push(...stepLines(marker, i, step, true));
    lines.push('[ "$zc_rc" -eq 0 ] || exit 1');
  });
  return `${lines.join('\n')}\n`;
}

/** What the frames of a script's output say. */
export interface ParsedFrames {
  /** Per step index, its output; missing when the script stopped before it. */
  steps: (ProbeOutput | undefined)[];
  /** The apply script printed that it holds the lock. */
  locked: boolean;
  /** Per step index, the reason an apply step gave for doing nothing (skippedAtApply). */
  skipped: (string | undefined)[];
}

/**
 * Reads the frames back. Each header line starts with a newline the script
 * printed itself, so a step's stdout is exactly what lies between its headers,
 * with or without a trailing newline of its own.
 */
export function parseFrames(output: string, marker: string, count: number): ParsedFrames {
  const steps: (ProbeOutput | undefined)[] = new Array<ProbeOutput | undefined>(count).fill(undefined);
  const skipped: (string | undefined)[] = new Array<string | undefined>(count).fill(undefined);
  const header = new RegExp(`\\n${marker} (?:([OESX]) (\\d+)(?: (-?\\d+))?|(L))\\n`, 'g');
  let locked = false;
  let open: { kind: string; index: number; start: number } | undefined;
  const partial = new Map<number, { stdout?: string; stderr?: string; skipped?: string }>();
  for (const m of output.matchAll(header)) {
    const at = m.index;
    if (open) {
      const text = output.slice(open.start, at);
      const entry = partial.get(open.index) ?? {};
      if (open.kind === 'O') entry.stdout = text;
      if (open.kind === 'E') entry.stderr = text;
      if (open.kind === 'S') entry.skipped = text;
      partial.set(open.index, entry);
      open = undefined;
    }
    if (m[4] === 'L') {
      locked = true;
      continue;
    }
    const kind = m[1] as string;
    const index = Number(m[2]);
    if (kind === 'X') {
      const entry = partial.get(index);
      if (index < count && entry?.stdout !== undefined && entry.stderr !== undefined) {
        steps[index] = { stdout: entry.stdout, stderr: entry.stderr, exitCode: Number(m[3]) };
        skipped[index] = entry.skipped?.trim() || undefined;
      }
      continue;
    }
    open = { kind, index, start: at + m[0].length };
  }
  return { steps, locked, skipped };
}
