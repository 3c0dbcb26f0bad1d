/**
 * FRR changes → shell text, in the order a careful operator works:
 * 1. daemons switches edited in place (other settings kept), atomically;
 * 2. frr.conf installed atomically (temp file in /etc/frr, frr:frr 0640,
 *    checked with `vtysh -C -f` before the rename);
 * 3. FRR started (it was not running), restarted (daemons changed), or else
 *    reloaded with `frr-reload.py --reload` — no restart, so sessions the
 *    change does not touch stay up;
 * 4. optionally, a bounded wait until the BGP neighbours are Established.
 */
import { editDaemonsScript } from '../../frr/daemons.ts';
import { MASK_SED } from '../../frr/secrets.ts';
import { waitForEstablishedScript } from '../../frr/wait-bgp.ts';
import { hostOwnedOf } from '../../frr/reload-diff.ts';
import { quote } from '../../shell/quote.ts';
import type { Change } from '../contract.ts';
import { fileCommands } from '../file/commands.ts';
import { atomicWriteScript } from '../file/write.ts';
import { desiredConfigFile } from './diff.ts';
import type { FrrChangeData } from './diff.ts';
import { CONFIG_FILE, DAEMONS_FILE, RELOAD_TOOL } from './probe.ts';

/** Starts or restarts FRR through systemd when PID 1 is systemd, else FRR's own init script. */
export function frrServiceScript(action: 'start' | 'restart'): string {
  return [
    `if [ -d /run/systemd/system ]; then systemctl ${action} frr`,
    `elif [ -x /usr/lib/frr/frrinit.sh ]; then /usr/lib/frr/frrinit.sh ${action}`,
    `else /etc/init.d/frr ${action}; fi`,
  ].join('\n');
}

/**
 * frr-reload.py --reload on the installed file. FRR reports `no ip forwarding`
 * from the kernel; a file that does not mention forwarding would make the
 * reload switch it on. Forwarding belongs to sysctl, so the kernel's values
 * are put back unless the file itself names them.
 */
export function reloadScript(config: string): string {
  const owned = hostOwnedOf(config);
  const keep: [string, string][] = [];
  if (!owned.ipForwarding) keep.push(['zc_f4', '/proc/sys/net/ipv4/ip_forward']);
  if (!owned.ipv6Forwarding) keep.push(['zc_f6', '/proc/sys/net/ipv6/conf/all/forwarding']);
  const lines = keep.map(([v, path]) => `${v}=$(cat ${quote(path)} 2>/dev/null || true)`);
  lines.push(
    'zc_log=$(mktemp /tmp/zonectl-frr-reload.XXXXXX)',
    `if ! ${quote(RELOAD_TOOL)} --reload ${quote(CONFIG_FILE)} >"$zc_log" 2>&1; then`,
    `  sed -E ${quote(MASK_SED)} "$zc_log" | grep -v '^$' | tail -n 5 >&2; rm -f "$zc_log"`,
    `  echo ${quote(`zonectl: frr-reload.py --reload failed; ${CONFIG_FILE} is installed and the running configuration may be partly changed`)} >&2`,
    '  exit 1',
    'fi',
    'rm -f "$zc_log"',
  );
  for (const [v, path] of keep) {
    lines.push(`if [ -n "$${v}" ] && [ "$(cat ${quote(path)})" != "$${v}" ]; then echo "$${v}" > ${quote(path)}; fi`);
  }
  return lines.join('\n');
}

export interface FrrCommandInput {
  config?: string | undefined;
  /** Neighbours to wait for, and for how long; undefined = no wait. */
  waitFor?: { neighbors: string[]; timeout: number } | undefined;
}

export function frrCommands(changes: readonly Change[], desired: FrrCommandInput): string {
  const data = changes.map((c) => c.data as FrrChangeData);
  const switches = data.flatMap((d) => (d.kind === 'daemons' ? [d.switch] : []));
  const fileChanges = changes.filter((c) => (c.data as FrrChangeData).kind === 'file').map((c) => ({ ...c, data: (c.data as Extract<FrrChangeData, { kind: 'file' }>).file }));
  const out = ['(', 'set -e'];
  if (switches.length > 0) out.push(atomicWriteScript({ path: DAEMONS_FILE, produce: editDaemonsScript(DAEMONS_FILE, switches) }));
  if (fileChanges.length > 0 && desired.config !== undefined) out.push(fileCommands(fileChanges, desiredConfigFile(desired.config)));
  if (data.some((d) => d.kind === 'start')) out.push(frrServiceScript('start'));
  else if (switches.length > 0) out.push(frrServiceScript('restart'));
  else if (data.some((d) => d.kind === 'reload') && desired.config !== undefined) out.push(reloadScript(desired.config));
  if (desired.waitFor) out.push(waitForEstablishedScript(desired.waitFor.neighbors, desired.waitFor.timeout));
  out.push(')');
  return out.join('\n');
}
