/**
 * `command`: shell text to run, idempotent through its guards. A command
 * that would run is an action (Change.action): it is reported every time the
 * guards say so, and verify does not expect it to disappear.
 */
import { quote } from '../../shell/quote.ts';
import { defineModule, TaskError } from '../contract.ts';
import type { Change } from '../contract.ts';
import { commandDoc } from './doc.ts';
import { guardScript } from './guards.ts';
import { commandParams } from './schema.ts';
import type { CommandParams } from './schema.ts';

export interface CommandState {
  /** Why the command would not run, or null when it would. */
  skip: string | null;
  /** chdir names a directory that does not exist (yet). */
  missingDir: boolean;
}

/** The first line of the command, shortened: enough to recognise it. */
function shortText(run: string): string {
  const first = run.trim().split('\n')[0] ?? '';
  const short = first.length > 100 ? `${first.slice(0, 97)}...` : first;
  return run.trim().includes('\n') ? `${short} ...` : short;
}

export function parseCommand(stdout: string, exitCode: number, stderr: string): CommandState {
  const skip = /^command\.skip (.*)$/m.exec(stdout);
  if (skip) return { skip: skip[1] as string, missingDir: false };
  if (!/^command\.run$/m.test(stdout)) throw new TaskError(`the guard check did not finish: ${stderr.trim() || `exit status ${exitCode}`}`);
  return { skip: null, missingDir: /^command\.nodir$/m.test(stdout) };
}

export function diffCommand(desired: CommandParams, actual: CommandState): Change[] {
  if (actual.skip !== null) return [];
  // Every guard let it through, so each one's condition is known.
  const reasons = [
    desired.creates !== undefined && `${desired.creates} does not exist`,
    desired.removes !== undefined && `${desired.removes} exists`,
    desired.unless !== undefined && 'unless failed',
  ].filter(Boolean);
  const why = reasons.length > 0 ? ` (${reasons.join(', ')})` : '';
  const dir = actual.missingDir ? ` (chdir ${desired.chdir} does not exist yet)` : '';
  return [{ summary: `will run: ${shortText(desired.run)}${why}${dir}`, action: true }];
}

export const commandModule = defineModule<CommandParams, CommandState>({
  name: 'command',
  doc: commandDoc,
  schema: commandParams,
  probe(params) {
    const lines = ['(', ...guardScript(params, 'probe')];
    if (params.chdir !== undefined) lines.push(`[ -d ${quote(params.chdir)} ] || echo command.nodir`);
    lines.push('echo command.run', ')');
    return lines.join('\n');
  },
  parse: (output) => parseCommand(output.stdout, output.exitCode, output.stderr),
  diff: (desired, actual) => diffCommand(desired, actual),
  commands(_changes, desired) {
    // Guards again (a guard that holds by now reports the task skipped), then the operator's text in its own sh: normal
    // sh semantics (no set -e), its exit status is the task's.
    const lines = ['(', ...guardScript(desired, 'apply')];
    if (desired.chdir !== undefined) lines.push(`cd ${quote(desired.chdir)}`);
    lines.push(`sh -c ${quote(desired.run)}`, ')');
    return lines.join('\n');
  },
});
