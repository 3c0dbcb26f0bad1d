/**
 * `validate:` in the dry run: the probe runs the operator's validator on a
 * temporary copy of the desired content, so a file it rejects fails the dry
 * run (as frr's and nftables' checks do) instead of failing at apply.
 *
 * Read-only: the copy lives in a private `mktemp -d` directory, removed when
 * the probe step ends; the target is never touched. The validator runs only
 * when the file's content differs (the host did not answer `file.same`).
 * Its output names the copy by its base name (the temp directory is cut out):
 * a random path would change the probe output on every run, and saved plans
 * compare it.
 *
 * Output, after fileProbe's: `file.validate-exit <status>` then the
 * validator's output (last lines). Nothing when it did not run.
 */
import { posix } from 'node:path';
import { quote } from '../../shell/quote.ts';
import { TaskError } from '../contract.ts';
import { printText } from './write.ts';

export interface ValidateCopy {
  path: string;
  content: string;
  validate: string;
  mode?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

const EXIT_LINE = 'file.validate-exit ';

/** Wraps `probe` (a fileProbe for the same path and content) with the validator run. */
export function withValidateProbe(probe: string, v: ValidateCopy): string {
  const copy = '"$zc_vd"/' + quote(posix.basename(v.path));
  const check = v.validate.split('%s').join(copy);
  return [
    `zc_fp=$(\n${probe}\n)`,
    `printf '%s\\n' "$zc_fp"`,
    'case "$zc_fp" in *file.same*) ;; *)',
    '  (',
    `  zc_vd=$(mktemp -d /tmp/zonectl-validate.XXXXXX) || { echo '${EXIT_LINE}mktemp'; exit 0; }`,
    `  trap 'rm -rf "$zc_vd"' EXIT`,
    `  { ${printText(v.content)}; } >${copy}`,
    // The copy gets the attributes the new file would get: some validators check them (visudo does).
    ...(v.mode === undefined ? [] : [`  chmod ${quote(v.mode)} ${copy}`]),
    ...(v.owner === undefined ? [] : [`  chown ${quote(v.owner)} ${copy} 2>/dev/null`]),
    ...(v.group === undefined ? [] : [`  chgrp ${quote(v.group)} ${copy} 2>/dev/null`]),
    `  ( ${check}\n  ) </dev/null >"$zc_vd/.out" 2>&1; zc_rc=$?`,
    `  echo "${EXIT_LINE}$zc_rc"`,
    // The temp directory's name out of the output: letters and digits only, safe in a sed pattern.
    `  tail -n 20 "$zc_vd/.out" | sed "s|$zc_vd/||g"`,
    '  ) ;;',
    'esac',
  ].join('\n');
}

/** Splits the probe output: fileProbe's part, and the validator's result when it ran. */
export function splitValidateOutput(stdout: string): { file: string; validate?: { exit: string; output: string } } {
  const lines = stdout.split('\n');
  // fileProbe's own lines (base64 included) never start like this: the validator's output comes after it.
  const at = lines.findIndex((l) => l.startsWith(EXIT_LINE));
  if (at === -1) return { file: stdout };
  return {
    file: lines.slice(0, at).join('\n'),
    validate: { exit: (lines[at] as string).slice(EXIT_LINE.length).trim(), output: lines.slice(at + 1).join('\n') },
  };
}

/** A validator that rejects the new content fails the dry run, with its own words. */
export function checkValidateResult(v: ValidateCopy, result: { exit: string; output: string } | undefined): void {
  if (!result || result.exit === '0') return;
  if (result.exit === 'mktemp') throw new TaskError(`cannot run validate for ${v.path} in the dry run: mktemp -d failed on the host`);
  const output = result.output
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n');
  throw new TaskError(`validate rejects the new content of ${v.path} (${v.validate}, exit ${result.exit})${output ? `:\n${output}` : ''}\nnothing was written`);
}
