/**
 * Sysctl changes → shell text: write the running value under /proc/sys (no
 * dependency on procps), then edit the persisted file on the host, in place.
 */
import { quote } from '../../shell/quote.ts';
import type { Change } from '../contract.ts';
import { parentDirectoryScript } from '../file/commands.ts';
import { atomicWriteScript } from '../file/write.ts';
import { keyLinesEditCommand } from '../properties/key-lines-awk.ts';
import { interfaceOf, procPath } from './keys.ts';
import type { SysctlChangeData } from './diff.ts';
import type { SysctlParams } from './schema.ts';

export function sysctlCommands(changes: readonly Change[], desired: SysctlParams): string {
  const data = changes.map((c) => c.data as SysctlChangeData);
  const out: string[] = [];
  if (desired.module !== undefined && data.some((d) => d.op === 'module')) out.push(`modprobe ${quote(desired.module)}`);
  for (const d of data) {
    if (d.op !== 'runtime') continue;
    const value = desired.set[d.key] as string;
    const file = quote(`/proc/sys/${procPath(d.key)}`);
    const iface = interfaceOf(d.key);
    const missing = quote(`zonectl: sysctl ${d.key} does not exist on this host${iface ? ` (is there an interface ${iface}?)` : ''}`);
    const refused = quote(`zonectl: the kernel refused ${d.key} = ${value}`);
    out.push(`[ -f ${file} ] || { echo ${missing} >&2; exit 1; }`);
    out.push(`printf '%s\\n' ${quote(value)} > ${file} || { echo ${refused} >&2; exit 1; }`);
  }
  // Only the keys that need it; the edit leaves every other line of the file alone.
  const persist = [...new Set(data.filter((d) => d.op === 'persist').map((d) => d.key))];
  if (persist.length > 0) {
    const set = persist.map((key) => [key, desired.set[key] as string] as const);
    for (const d of data) if (d.op === 'parent') out.push(parentDirectoryScript(d.dir));
    out.push(
      atomicWriteScript({
        path: desired.file,
        produce: keyLinesEditCommand(desired.file, 'sysctl', { set, remove: [] }),
        skipWhenSame: true,
      }),
    );
  }
  return out.join('\n');
}
