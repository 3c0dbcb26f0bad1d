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
 * output can forge or break a frame. Stdout goes straight to the frame. In a
 * probe script, stderr too, framed on the script's stderr (no temporary
 * files: a probe costs the host no mktemp, cat or rm); in an apply script it
 * goes to a temp file framed after stdout. Then the exit status.
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
  /**
   * Apply scripts: run this step only if one of these earlier steps changed
   * something, i.e. finished without a skippedAtApply note (a handler, after
   * the tasks that notify it). Otherwise it is skipped at apply, saying why.
   */
  onlyIfChanged?: readonly number[];
}

/** Why a handler did not run although it was notified: see ScriptStep.onlyIfChanged. */
export const NOTHING_CHANGED = 'not run: every task that notifies it did nothing at apply time';

/** 128 random bits: a probe cannot print a frame line it cannot guess. */
export function newMarker(): string {
  return `ZC${randomBytes(16).toString('hex')}`;
}

/** Exit status of an apply script when another apply holds the host's lock. */
export const LOCK_BUSY_EXIT = 99;
/** Exit status of an apply script when the lock cannot be taken at all. */
export const LOCK_ERROR_EXIT = 98;

/** 128 random bits for this run, for names a step creates beside its target (an atomic write's temporary file). */
function runId(marker: string): string {
  return `zc_run=${quote(marker.replace(/^ZC/, ''))}`;
}

/**
 * The apply script's private temp dir, for each step's stderr and its
 * skippedAtApply note, removed on exit. No fallback to a predictable /tmp
 * name: as root that would invite a symlink attack.
 */
const APPLY_TEMP = [
  'zc_tmp=$(mktemp -d) || { echo "cannot create a temporary directory (mktemp -d failed)" >&2; exit 97; }',
  "trap 'rm -rf \"$zc_tmp\"' EXIT",
  'zc_err="$zc_tmp/err"',
];

/**
 * Shell text for an apply step: report that the step did nothing, and why
 * (one line). Outside an apply script (no `$zc_skipped`) it writes nowhere.
 */
export function skippedAtApply(reason: string): string {
  return `printf '%s\\n' ${quote(reason)} >"\${zc_skipped:-/dev/null}"`;
}

/** A step's shell text: in the script's own shell (inline) or in a subshell through eval. */
function stepRun(step: ScriptStep, strict: boolean): string {
  // `:` first: a group with nothing but comments in it would not parse.
  if (step.inline && !strict) return `{ :\n${step.text}\n}`;
  return `( ${strict ? 'set -e; ' : ''}eval ${quote(step.text)} )`;
}

/**
 * A probe step. Its stderr is framed on the script's own stderr, as its
 * stdout is on stdout, so no temporary file (and no mktemp, cat or rm on the
 * host) is needed.
 */
function probeStepLines(marker: string, index: number, step: ScriptStep): string[] {
  return [
    `printf '\\n%s O %s\\n' ${marker} ${index}; printf '\\n%s O %s\\n' ${marker} ${index} >&2`,
    // `; zc_rc=$?` and not `|| ...`: the status is kept as it is.
    `${stepRun(step, false)} </dev/null 9>&-; zc_rc=$?`,
    `printf '\\n%s X %s\\n' ${marker} ${index} >&2; printf '\\n%s X %s %s\\n' ${marker} ${index} "$zc_rc"`,
  ];
}

/** An apply step: stderr to a file framed after stdout, then its skippedAtApply note, then the status. */
function applyStepLines(marker: string, index: number, step: ScriptStep): string[] {
  // `; zc_rc=$?` and not `|| ...`: set -e is ignored inside a list that tests the status.
  const run = `${stepRun(step, true)} </dev/null 2>"$zc_err" 9>&-; zc_rc=$?`;
  const guarded = step.onlyIfChanged
    ? [
        `if [ -n "${step.onlyIfChanged.map((i) => `\${zc_changed_${i}:-}`).join('')}" ]; then ${run}`,
        `else : >"$zc_err"; printf '%s\\n' ${quote(NOTHING_CHANGED)} >"$zc_skipped"; zc_rc=0; fi`,
      ]
    : [run];
  return [
    `zc_skipped="$zc_tmp/skipped.${index}"`,
    `printf '\\n%s O %s\\n' ${marker} ${index}`,
    ...guarded,
    `printf '\\n%s E %s\\n' ${marker} ${index}`,
    // `[` is a builtin: no extra process for the usual empty stderr
    '[ -s "$zc_err" ] && cat "$zc_err" 2>/dev/null',
    `printf '\\n%s S %s\\n' ${marker} ${index}`,
    '[ -s "$zc_skipped" ] && cat "$zc_skipped"',
    `printf '\\n%s X %s %s\\n' ${marker} ${index} "$zc_rc"`,
  ];
}

/** The probe (or verify) script: every step runs, whatever the others do; read-only by contract. */
export function buildProbeScript(steps: readonly ScriptStep[], marker: string): string {
  const lines = [runId(marker)];
  steps.forEach((step, i) => lines.push(...probeStepLines(marker, i, step)));
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
    runId(marker),
    ...APPLY_TEMP,
    `zc_lock=${quote(options.lockFile)}`,
    `{ [ -d ${quote(lockDir)} ] && [ -w ${quote(lockDir)} ]; } || zc_lock=${quote(`/tmp/${lockName}`)}`,
    `command -v flock >/dev/null 2>&1 || { echo ${quote(`flock is not installed on ${options.host} (package util-linux); zonectl needs it to lock the host while applying`)} >&2; exit ${LOCK_ERROR_EXIT}; }`,
    // Test the redirection in a subshell first: a failing `exec 9>` would end the shell without a word.
    `( : >>"$zc_lock" ) 2>/dev/null || { printf '%s %s\\n' ${quote(`cannot open the lock file on ${options.host}:`)} "$zc_lock" >&2; exit ${LOCK_ERROR_EXIT}; }`,
    'exec 9>>"$zc_lock"',
    `flock -n 9 || { printf '%s (%s)\\n' ${quote(`another zonectl apply holds the lock on ${options.host}; try again when it has finished`)} "$zc_lock" >&2; exit ${LOCK_BUSY_EXIT}; }`,
    `printf '\\n%s L\\n' ${marker}`,
  ];
  // The steps a later step asks about (onlyIfChanged) remember whether they changed something.
  const asked = new Set(steps.flatMap((s) => s.onlyIfChanged ?? []));
  steps.forEach((step, i) => {
    lines.push(...applyStepLines(marker, i, step));
    lines.push('[ "$zc_rc" -eq 0 ] || exit 1');
    if (asked.has(i)) lines.push(`[ -s "$zc_skipped" ] || zc_changed_${i}=1`);
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

interface Segment {
  kind: string;
  index: number;
  /** The exit status an X header carries. */
  code?: number;
  /** What lies between this header and the next one (or the end). */
  text: string;
}

/**
 * The frames of one stream. Each header line starts with a newline the
 * script printed itself, so a step's output is exactly what lies between its
 * headers, with or without a trailing newline of its own.
 */
function segments(output: string, marker: string): { segments: Segment[]; locked: boolean } {
  const header = new RegExp(`\\n${marker} (?:([OESX]) (\\d+)(?: (-?\\d+))?|(L))\\n`, 'g');
  const found: Segment[] = [];
  let locked = false;
  let open: { segment: Segment; start: number } | undefined;
  for (const m of output.matchAll(header)) {
    if (open) open.segment.text = output.slice(open.start, m.index);
    open = undefined;
    if (m[4] === 'L') {
      locked = true;
      continue;
    }
    const segment: Segment = { kind: m[1] as string, index: Number(m[2]), text: '', ...(m[3] !== undefined ? { code: Number(m[3]) } : {}) };
    found.push(segment);
    open = { segment, start: m.index + m[0].length };
  }
  if (open) open.segment.text = output.slice(open.start);
  return { segments: found, locked };
}

/**
 * Reads the frames back: from stdout (a step's stdout, then in an apply
 * script its stderr and skippedAtApply note, then its status), and for a
 * probe script also from stderr, where each step's stderr is framed on its
 * own. A step counts only when its status was printed after both.
 */
export function parseFrames(output: string, marker: string, count: number, stderr?: string): ParsedFrames {
  const steps: (ProbeOutput | undefined)[] = new Array<ProbeOutput | undefined>(count).fill(undefined);
  const skipped: (string | undefined)[] = new Array<string | undefined>(count).fill(undefined);
  type Partial = { stdout?: string; stderr?: string; skipped?: string };
  const partial = new Map<number, Partial>();
  const entry = (index: number): Partial => {
    let e = partial.get(index);
    if (!e) partial.set(index, (e = {}));
    return e;
  };
  // On the stderr stream, a step's text is between its O and X headers.
  if (stderr !== undefined) {
    const errs = segments(stderr, marker).segments;
    errs.forEach((seg, i) => {
      if (seg.kind === 'O' && errs[i + 1]?.kind === 'X' && errs[i + 1]?.index === seg.index) entry(seg.index).stderr = seg.text;
    });
  }
  const { segments: outs, locked } = segments(output, marker);
  for (const seg of outs) {
    const e = entry(seg.index);
    if (seg.kind === 'O') e.stdout = seg.text;
    if (seg.kind === 'E') e.stderr = seg.text;
    if (seg.kind === 'S') e.skipped = seg.text;
    if (seg.kind !== 'X' || seg.index >= count || e.stdout === undefined || e.stderr === undefined) continue;
    steps[seg.index] = { stdout: e.stdout, stderr: e.stderr, exitCode: seg.code ?? -1 };
    skipped[seg.index] = e.skipped?.trim() || undefined;
  }
  return { steps, locked, skipped };
}

/** The script's stderr without the frame headers (what to show when the script stopped early). */
export function withoutFrames(stderr: string, marker: string): string {
  return stderr.replace(new RegExp(`\\n${marker} [OX] \\d+\\n`, 'g'), '\n');
}
