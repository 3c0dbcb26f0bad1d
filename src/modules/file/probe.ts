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

export function fileProbe(path: string, expected?: string): string {
  const p = quote(path);
  const dir = quote(posix.dirname(path));
  // Size only for a regular file: a directory's grows with its entries (a
  // volatile value would make saved plans stale), and nothing compares it.
  const meta = (size: string): string => `zc_m=$(stat -c '%a %u %g %U %G${size}' ${p}) && echo "file.meta $zc_m"`;
  const content = `echo file.base64; base64 ${p} && echo file.end`;
  return [
    `if [ -d ${dir} ]; then echo file.dir yes; else echo file.dir no; fi`,
    `if [ -L ${p} ]; then echo file.type symlink`,
    `elif [ -d ${p} ]; then echo file.type directory; ${meta('')}`,
    `elif [ -f ${p} ]; then`,
    `  echo file.type regular; ${meta(' %s')}`,
    `  if ! [ -r ${p} ]; then echo file.unreadable`,
    ...(expected === undefined ? [] : [`  elif ${sameContent(p, expected)}; then echo file.same`]),
    `  else ${content}; fi`,
    `elif [ -e ${p} ]; then echo file.type other`,
    `else echo file.type missing; fi`,
  ].join('\n');
}
