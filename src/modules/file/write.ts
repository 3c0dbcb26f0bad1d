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
  /**
   * Shell text whose stdout is the new content (e.g. printf '%s' '…', or an
   * awk edit of the file). It may run under the umask of the new file's mode,
   * so it should not create files of its own.
   */
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
  /**
   * Leave the file alone when the new bytes equal the old (edits computed on
   * the host). A produce that knows its bytes differ sets zc_differs=1 (see
   * keyLinesEditCommand), which saves the cmp process.
   */
  skipWhenSame?: boolean | undefined;
}

/** The temporary file's shell variable; validate's %s becomes it. */
const TMP = '"$zc_new"';

/** The umask that makes a freshly created file get exactly this mode, or undefined when a chmod is needed (x or special bits). */
function umaskFor(mode: string): string | undefined {
  if (!/^[0-7]{3,4}$/.test(mode)) return undefined;
  const bits = parseInt(mode, 8);
  return (bits & ~0o666) === 0 ? (0o777 & ~bits).toString(8).padStart(4, '0') : undefined;
}

/**
 * Written to cost few processes on the host (they dominate an apply): the
 * temporary file is created by the shell itself, with its mode coming from the
 * umask where possible, and an existing file's mode and owner are copied by
 * reference only when they can differ. A new 0644 file costs one exec (mv).
 */
export function atomicWriteScript(w: AtomicWrite): string {
  const p = quote(w.path);
  const prefix = quote(`${posix.dirname(w.path)}/.${posix.basename(w.path)}.zonectl.`);
  const template = quote(`${posix.dirname(w.path)}/.${posix.basename(w.path)}.zonectl.XXXXXX`);
  const failed = quote(`zonectl: cannot create a temporary file next to ${w.path}`);
  // The mode the file ends with: given, else kept (existing file), else newFileMode or the umask default (new file).
  // Not through the umask when validating: the operator's command would create its own files under it.
  const byUmask = (mode: string | undefined): string | undefined => (mode === undefined || w.validate !== undefined ? undefined : umaskFor(mode));
  const modeMask = byUmask(w.mode);
  const newMask = w.mode === undefined ? byUmask(w.newFileMode) : undefined;
  const lines = ['(', 'set -e'];
  if (w.mode !== undefined) {
    if (modeMask !== undefined) lines.push(`umask ${modeMask}`);
  } else if (newMask !== undefined) {
    lines.push(`[ -e ${p} ] || umask ${newMask}`);
  }
  lines.push(
    // The run's random id (zc_run, set by the engine) names the file without a
    // process; mktemp -u when it is unset or the name is taken. set -C creates
    // it with O_EXCL, so a planted symlink is not followed; dash opens an
    // existing non-regular file without O_EXCL, hence the -e/-h checks and
    // the unpredictable name.
    `zc_new=; if [ -n "\${zc_run:-}" ]; then zc_new=${prefix}"$zc_run"; fi`,
    'set -C',
    `if [ -z "$zc_new" ] || [ -e "$zc_new" ] || [ -h "$zc_new" ] || ! { true > "$zc_new"; } 2>/dev/null; then`,
    `zc_new=$(mktemp -u ${template})`,
    `{ true > "$zc_new"; } || { echo ${failed} >&2; exit 1; }`,
    'fi',
    'set +C',
    // The name is known to anyone who saw an earlier temporary file of this
    // run: in a world-writable directory a symlink could be planted between
    // the check above and the create. What was created must be our own
    // regular file before anything is written to it.
    `if [ -h "$zc_new" ] || ! [ -f "$zc_new" ] || ! [ -O "$zc_new" ]; then echo ${quote(`zonectl: the temporary file next to ${w.path} is not the regular file zonectl created; nothing written`)} >&2; exit 1; fi`,
    `trap 'rm -f "$zc_new"' EXIT`,
    'zc_differs=',
    `{\n${w.produce}\n} > ${TMP}`,
  );
  if (w.skipWhenSame) lines.push(`if [ -z "$zc_differs" ] && [ -f ${p} ] && cmp -s ${TMP} ${p}; then exit 0; fi`);
  // Owner first: chown clears setuid/setgid bits, so the mode comes after it.
  // [ -O ] / [ -G ] are builtins: the common case (root editing root's file) needs no chown.
  const owner = w.owner, group = w.group;
  if (owner !== undefined && group !== undefined) {
    lines.push(`chown ${quote(`${owner}:${group}`)} ${TMP}`);
  } else if (owner !== undefined) {
    lines.push(`if [ -e ${p} ] && ! { [ -G ${p} ] && [ -G ${TMP} ]; }; then chgrp --reference=${p} ${TMP}; fi`, `chown ${quote(owner)} ${TMP}`);
  } else if (group !== undefined) {
    lines.push(`if [ -e ${p} ] && ! [ -O ${p} ]; then chown --reference=${p} ${TMP}; fi`, `chgrp ${quote(group)} ${TMP}`);
  } else {
    lines.push(`if [ -e ${p} ] && ! { [ -O ${p} ] && [ -G ${p} ] && [ -G ${TMP} ]; }; then chown --reference=${p} ${TMP}; fi`);
  }
  if (w.mode !== undefined) {
    if (modeMask === undefined) lines.push(`chmod ${quote(w.mode)} ${TMP}`);
  } else {
    const fresh = w.newFileMode !== undefined && newMask === undefined ? `chmod ${quote(w.newFileMode)} ${TMP}` : undefined;
    lines.push(`if [ -e ${p} ]; then chmod --reference=${p} ${TMP};${fresh === undefined ? '' : ` else ${fresh};`} fi`);
  }
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
