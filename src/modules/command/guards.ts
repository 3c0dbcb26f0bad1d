/**
 * The guards of a command (creates, removes, unless) as shell text. The same
 * text runs in the probe (to predict) and again right before the command (so
 * a path made by an earlier task in the same apply is respected).
 * When a guard says skip it stops: in the probe it prints `command.skip
 * <reason>`; at apply time it tells the engine the task was skipped there
 * (`<reason> now`), so the report does not claim the command ran.
 */
import { skippedAtApply } from '../../engine/script.ts';
import { quote } from '../../shell/quote.ts';
import type { CommandParams } from './schema.ts';

export function guardScript(p: CommandParams, at: 'probe' | 'apply'): string[] {
  const skip = (reason: string): string =>
    at === 'probe' ? `printf '%s\\n' ${quote(`command.skip ${reason}`)}; exit 0` : `${skippedAtApply(`${reason} now`)}; exit 0`;
  const lines: string[] = [];
  if (p.creates !== undefined) lines.push(`if [ -e ${quote(p.creates)} ]; then ${skip(`${p.creates} exists`)}; fi`);
  if (p.removes !== undefined) lines.push(`if [ ! -e ${quote(p.removes)} ]; then ${skip(`${p.removes} does not exist`)}; fi`);
  if (p.unless !== undefined) {
    // The test command's own output is not ours to show: only its exit status counts.
    const cd = p.chdir === undefined ? '' : `cd ${quote(p.chdir)} && `;
    lines.push(`if ( ${cd}sh -c ${quote(p.unless)} ) >/dev/null 2>&1 </dev/null; then ${skip('unless succeeded')}; fi`);
  }
  return lines;
}

