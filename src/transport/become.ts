/**
 * The one command line a script runs under, and how its result is read.
 *
 * Without become (or as root): `sh -s`, the script on stdin. With become as
 * another user: `sudo -n sh -c '<announce>; exec sh -s'`. The root shell first
 * writes a per-run marker line to stderr; if the marker never arrives, sudo
 * refused (a password is required, not in sudoers, no sudo at all) and what
 * it said is the error. sudo's own warnings ("unable to resolve host") do not
 * count as failure, since the marker still arrives after them.
 */
import { quote } from '../shell/quote.ts';
import { ConnectionError, type ExecResult } from './types.ts';

export interface ScriptCommand {
  command: string;
  /** The line the root shell prints to stderr before reading the script; null without sudo. */
  becomeMarker: string | null;
}

export function scriptCommand(become: boolean, user: string, marker: string): ScriptCommand {
  if (!become || user === 'root') return { command: 'sh -s', becomeMarker: null };
  const announce = `printf '%s\\n' ${quote(marker)} >&2; exec sh -s`;
  return { command: `sudo -n sh -c ${quote(announce)}`, becomeMarker: marker };
}

export type BecomeOutcome = { ok: true; stderr: string } | { ok: false; reason: string };

/** Removes the marker line from stderr, or says why sudo did not give a root shell. */
export function readBecome(result: Pick<ExecResult, 'stderr' | 'exitCode'>, marker: string): BecomeOutcome {
  const line = `${marker}\n`;
  const at = result.stderr.indexOf(line);
  if (at >= 0) return { ok: true, stderr: result.stderr.slice(0, at) + result.stderr.slice(at + line.length) };
  const said = result.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
  return { ok: false, reason: said || `sudo exited with status ${result.exitCode} and said nothing` };
}

export function becomeFailedMessage(host: string, user: string, reason: string): string {
  return `become failed on ${host}: \`sudo -n\` did not give ${user} a root shell: ${reason} (allow ${user} passwordless sudo (NOPASSWD) on the host, or connect as root)`;
}

/** The script's result as the engine sees it: marker removed, or a ConnectionError('become'). */
export function finishScript(raw: ExecResult, run: ScriptCommand, host: string, user: string): ExecResult {
  if (run.becomeMarker === null) return raw;
  const outcome = readBecome(raw, run.becomeMarker);
  if (!outcome.ok) throw new ConnectionError('become', host, becomeFailedMessage(host, user, outcome.reason));
  return { ...raw, stderr: outcome.stderr };
}
