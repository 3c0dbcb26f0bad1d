/**
 * Read-only shell text that reports one file: whether its directory exists,
 * what kind of thing is at the path, its mode, owner and size, and its bytes
 * as base64 (exact: CRLF, a missing final newline and odd bytes all survive
 * the trip). Shared by every module that keeps a file (file, template,
 * properties, nftables, frr, kernel_module's list).
 *
 * When the controller knows the content it wants (`expected`), the usual
 * in-sync file costs one process (stat) and no base64: the host compares the
 * bytes itself and answers `file.same`; only a file that differs is sent, in
 * the same probe (no second round trip). Small files are compared with the
 * shell's own `read` (no process); larger ones by sha256sum (one more).
 *
 * Output lines, all prefixed `file.`:
 *   file.dir yes|no
 *   file.type missing|regular|directory|symlink|other
 *   file.meta <octal mode> <uid> <gid> <user> <group> [<size>] (regular with size, directory)
 *   file.same                                                  (regular, bytes = expected)
 *   file.base64 / <base64 lines> / file.end                    (regular, readable, not same)
 *   file.unreadable                                            (regular, not readable)
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ProbeTogether } from '../contract.ts';
import { quote } from '../../shell/quote.ts';

/**
 * Up to this many bytes, expected content is compared in the shell (it
 * travels in the probe script); above, by its sha256. dash's `read` costs a
 * system call per byte: around a kilobyte that is what one sha256sum
 * process costs.
 */
export const COMPARE_IN_SHELL_MAX = 1024;

/**
 * Shell condition: the file at `p` (stat output in "$zc_m", size last) holds
 * exactly `expected`.
 *
 * In the shell: dash's `read` takes one byte at a time and keeps every byte
 * but NUL; the file is read only when its size is the expected size, and a
 * NUL dropped would make the text shorter than that size, so equal text
 * means equal bytes.
 */
function sameContent(p: string, expected: string): string {
  const size = Buffer.byteLength(expected, 'utf8');
  const sizeMatches = `[ "\${zc_m##* }" = ${size} ]`;
  if (size > COMPARE_IN_SHELL_MAX || expected.includes('\0')) {
    const hash = createHash('sha256').update(expected, 'utf8').digest('hex');
    return `${sizeMatches} && [ "$(sha256sum < ${p} 2>/dev/null)" = ${quote(`${hash}  -`)} ]`;
  }
  const read = `{ zc_c=; while IFS= read -r zc_l; do zc_c="$zc_c$zc_l\n"; done; zc_c="$zc_c$zc_l"; } < ${p}`;
  return `${sizeMatches} && ${read} && [ "$zc_c" = ${quote(expected)} ]`;
}

/** stat's format for one file's metadata; the size last (a directory's is cut off). */
const META_FORMAT = '%a %u %g %U %G %s';

/**
 * `shared`: the metadata comes from one `stat` run for every file of a
 * probeTogether (see filesProbeTogether), not from a `stat` of its own.
 */
export function fileProbe(path: string, expected?: string, shared = false): string {
  const p = quote(path);
  const dir = quote(posix.dirname(path));
  const stat = shared ? `zc_file_meta ${p}` : `zc_m=$(stat -c ${quote(META_FORMAT)} ${p})`;
  // Size only for a regular file: a directory's grows with its entries (a
  // volatile value would make saved plans stale), and nothing compares it.
  const meta = (size: boolean): string => `${stat} && ${size ? '' : 'zc_m=${zc_m% *} && '}echo "file.meta $zc_m"`;
  const content = `echo file.base64; base64 ${p} && echo file.end`;
  return [
    `if [ -d ${dir} ]; then echo file.dir yes; else echo file.dir no; fi`,
    `if [ -L ${p} ]; then echo file.type symlink`,
    `elif [ -d ${p} ]; then echo file.type directory; ${meta(false)}`,
    `elif [ -f ${p} ]; then`,
    `  echo file.type regular; ${meta(true)}`,
    `  if ! [ -r ${p} ]; then echo file.unreadable`,
    ...(expected === undefined ? [] : [`  elif ${sameContent(p, expected)}; then echo file.same`]),
    `  else ${content}; fi`,
    `elif [ -e ${p} ]; then echo file.type other`,
    `else echo file.type missing; fi`,
  ].join('\n');
}

export interface ProbedFile {
  path: string;
  expected?: string | undefined;
}

/**
 * Several files probed together: one `stat` for all of them, then each
 * file's fileProbe reading its metadata from that output (`zc_file_meta`).
 * stat prints, per file that exists, its path on one line and its metadata
 * on the next; every path is absolute and no metadata line starts with `/`,
 * so "newline, path, newline" finds a file's entry. A file stat did not list
 * (made after it ran) gets a stat of its own. A path with a newline in it
 * cannot be found that way: it is probed on its own (null).
 */
export function filesProbeTogether(files: readonly ProbedFile[]): ProbeTogether {
  const listed = files.filter((f) => !f.path.includes('\n')).map((f) => quote(f.path));
  const shared = [
    "zc_nl='\n'",
    // The leading and trailing newline make every path line "newline, path, newline".
    `zc_st="$zc_nl$(stat -c ${quote(`%n\n${META_FORMAT}`)} ${listed.join(' ')} 2>/dev/null)$zc_nl"`,
    'zc_file_meta() {',
    '  case "$zc_st" in',
    '  *"$zc_nl$1$zc_nl"*) zc_st=${zc_st#*"$zc_nl$1$zc_nl"}; zc_m=${zc_st%%"$zc_nl"*} ;;',
    `  *) zc_m=$(stat -c ${quote(META_FORMAT)} "$1") ;;`,
    '  esac',
    '}',
  ].join('\n');
  return { shared, items: files.map((f) => (f.path.includes('\n') ? null : fileProbe(f.path, f.expected, true))) };
}
