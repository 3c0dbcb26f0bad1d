/**
 * /etc/frr/daemons: `name=yes|no` switches among shell settings zonectl
 * leaves alone (`*_options`, `vtysh_enable`, comments). Pure.
 */
import { quote } from '../shell/quote.ts';
import { FRR_DAEMONS } from '../lab/topology.ts';

export { FRR_DAEMONS };
export type FrrDaemon = (typeof FRR_DAEMONS)[number];

/** Daemon → its value in the file (`yes`, `no`, or whatever is written). */
export function parseDaemons(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9]+)=(\S*)\s*$/.exec(line);
    if (m && (FRR_DAEMONS as readonly string[]).includes(m[1] as string)) out.set(m[1] as string, (m[2] as string).replace(/^["']|["']$/g, ''));
  }
  return out;
}

/**
 * The switches the operator asked for: a list means exactly these run (every
 * other known daemon off); a mapping sets only the daemons it names.
 */
export function wantedDaemons(daemons: readonly string[] | Readonly<Record<string, boolean>>): Map<string, 'yes' | 'no'> {
  if (Array.isArray(daemons)) {
    const on = new Set(daemons);
    return new Map(FRR_DAEMONS.map((d) => [d, on.has(d) ? 'yes' : 'no']));
  }
  return new Map(Object.entries(daemons).map(([d, v]) => [d, v ? 'yes' : 'no']));
}

export interface DaemonSwitch {
  daemon: string;
  /** undefined when the file has no line for it. */
  from: string | undefined;
  to: 'yes' | 'no';
}

/** The switches that differ; a missing line counts as `no`, FRR's default. */
export function daemonSwitches(actual: ReadonlyMap<string, string>, wanted: ReadonlyMap<string, 'yes' | 'no'>): DaemonSwitch[] {
  const out: DaemonSwitch[] = [];
  for (const [daemon, to] of wanted) {
    const from = actual.get(daemon);
    if ((from ?? 'no') !== to) out.push({ daemon, from, to });
  }
  return out;
}

/** Shell text whose stdout is the daemons file with the switches applied (lines in place, missing ones appended). */
export function editDaemonsScript(path: string, switches: readonly DaemonSwitch[]): string {
  const p = quote(path);
  const program = [
    'BEGIN { n = split(sets, s, " "); for (i = 1; i <= n; i++) { split(s[i], kv, "="); want[kv[1]] = kv[2] } }',
    '{ if (match($0, /^[a-z0-9]+=/)) { d = substr($0, 1, RLENGTH - 1); if (d in want) { print d "=" want[d]; done[d] = 1; next } } print }',
    'END { for (d in want) if (!(d in done)) print d "=" want[d] }',
  ].join('\n');
  const sets = switches.map((s) => `${s.daemon}=${s.to}`).join(' ');
  return `awk -v sets=${quote(sets)} ${quote(program)} ${p}`;
}
