/**
 * Read-only shell text that reports one file: whether its directory exists,
 * what kind of thing is at the path, its mode and owner, and its bytes as
 * base64 (exact: CRLF, a missing final newline and odd bytes all survive the
 * trip). Shared by every module that keeps a file (file, template,
 * properties, sysctl's persisted file, kernel_module's list).
 *
 * Output lines, all prefixed `file.`:
 *   file.dir yes|no
 *   file.type missing|regular|directory|symlink|other
 *   file.meta <octal mode> <uid> <gid> <user> <group>   (regular, directory)
 *   file.base64 / <base64 lines> / file.end            (regular, readable)
 *   file.unreadable                                    (regular, not readable)
 */
import { posix } from 'node:path';
import { quote } from '../../shell/quote.ts';

export function fileProbe(path: string): string {
  const p = quote(path);
  const dir = quote(posix.dirname(path));
  return [
    `if [ -d ${dir} ]; then echo 'file.dir yes'; else echo 'file.dir no'; fi`,
    `if [ -L ${p} ]; then echo 'file.type symlink'`,
    `elif [ -d ${p} ]; then echo 'file.type directory'; stat -c 'file.meta %a %u %g %U %G' ${p}`,
    `elif [ -f ${p} ]; then`,
    `  echo 'file.type regular'`,
    `  stat -c 'file.meta %a %u %g %U %G' ${p}`,
    `  if [ -r ${p} ]; then echo 'file.base64'; base64 ${p} && echo 'file.end'; else echo 'file.unreadable'; fi`,
    `elif [ -e ${p} ]; then echo 'file.type other'`,
    `else echo 'file.type missing'; fi`,
  ].join('\n');
}
