/**
 * Shell text that replaces a file atomically: the new bytes go to a temporary
 * file in the same directory, which gets its mode and owner, is validated,
 * and is then renamed over the old file. A failure at any step leaves the old
 * file untouched and removes the temporary one. Shared by file, template,
 * properties and sysctl (the persisted file).
 */
import { posix } from 'node:path';
import { quote } from '../../shell/quote.ts';

export interface AtomicWrite {
  path: string;
  /** Shell text whose stdout is the new content (e.g. printf '%s' '…', or an awk edit of the file). */
  produce: string;
  /** Four octal digits; else an existing file keeps its mode and a new one gets 0666 & ~umask. */
  mode?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  /** Operator's shell text with %s for the new file. */
  validate?: string | undefined;
  /** Keep the old file as PATH.<UTC time>~ before replacing it. */
  backup?: boolean | undefined;
  /** Mode of a file that does not exist yet when mode is not given (default 0666 & ~umask). */
  newFileMode?: string | undefined;
  /** Leave the file alone when the new bytes equal the old (edits computed on the host). */
  skipWhenSame?: boolean | undefined;
}

/** The temporary file's shell variable; validate's %s becomes it. */
const TMP = '"$zc_new"';

export function atomicWriteScript(w: AtomicWrite): string {
  const p = quote(w.path);
  const template = quote(`${posix.dirname(w.path)}/.${posix.basename(w.path)}.zonectl.XXXXXX`);
  const lines = [
    '(',
    'set -e',
    `zc_new=$(mktemp ${template})`,
    `trap 'rm -f "$zc_new"' EXIT`,
    `{\n${w.produce}\n} > ${TMP}`,
  ];
  if (w.skipWhenSame) lines.push(`if [ -f ${p} ] && cmp -s ${TMP} ${p}; then exit 0; fi`);
  // mktemp creates 0600: give the new file the old one's mode and owner, or the umask default.
  lines.push(
    `if [ -e ${p} ]; then chmod "$(stat -c %a ${p})" ${TMP}; chown "$(stat -c %u:%g ${p})" ${TMP};`,
    w.newFileMode === undefined
      ? `else chmod "$(printf '%o' $((0666 & ~$(umask))))" ${TMP}; fi`
      : `else chmod ${quote(w.newFileMode)} ${TMP}; fi`,
  );
  if (w.mode !== undefined) lines.push(`chmod ${quote(w.mode)} ${TMP}`);
  if (w.owner !== undefined) lines.push(`chown ${quote(w.owner)} ${TMP}`);
  if (w.group !== undefined) lines.push(`chgrp ${quote(w.group)} ${TMP}`);
  if (w.validate !== undefined) {
    const check = w.validate.split('%s').join(TMP);
    const message = quote(`zonectl: validate failed for ${w.path}: ${w.validate} (the old file is untouched)`);
    lines.push(`if ! ( ${check}\n); then echo ${message} >&2; exit 1; fi`);
  }
  if (w.backup) lines.push(`if [ -e ${p} ]; then cp -p ${p} ${p}."$(date -u +%Y%m%dT%H%M%SZ)~"; fi`);
  lines.push(`mv -f ${TMP} ${p}`, 'trap - EXIT', ')');
  return lines.join('\n');
}

/** printf that writes text exactly (no trailing newline added, no escapes read). */
export function printText(text: string): string {
  return `printf '%s' ${quote(text)}`;
}
