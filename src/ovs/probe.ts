/**
 * The read-only probe every OVS module runs, and the parse of its framed output.
 *
 * One `ovs-vsctl` call lists the Bridge, Port and Interface tables (three JSON
 * documents, one per line); modules that own flows add one `ovs-ofctl
 * --no-stats dump-flows BR cookie=C/-1` per owned cookie (--no-stats: no
 * durations, packet counters or ages, which would change the output — and so
 * a saved plan's fingerprint — between two probes of an unchanged host).
 * Each section is framed by `#zonectl-ovs` marker lines carrying its exit
 * status, so one failing command is told apart from another without relying
 * on `set -e`. Ports are printed
 * as numbers (`--no-names`): names are mapped back from the Interface table.
 */
import { TaskError } from '../modules/contract.ts';
import type { ProbeOutput } from '../modules/contract.ts';
import { netProbe, parseNetProbe, type NetProbe } from '../netconfig/probe.ts';
import { command } from '../shell/quote.ts';
import { OvsdbFormatError } from './ovsdb.ts';
import { LIST_COLUMNS, parseOvsState, type OvsState } from './state.ts';

const MARK = '#zonectl-ovs';

/** How long ovs-vsctl waits for ovsdb-server before it gives up (seconds). */
const PROBE_TIMEOUT = 10;

function listCommand(): string {
  const words: string[] = ['ovs-vsctl', `--timeout=${PROBE_TIMEOUT}`, '--format=json'];
  for (const [table, columns] of Object.entries(LIST_COLUMNS)) {
    words.push('--', `--columns=${columns.join(',')}`, 'list', table);
  }
  return command(...words);
}

export interface OvsProbeOptions {
  /** Flows to dump: one `dump-flows` per owned cookie. */
  flowsOf?: readonly { bridge: string; cookie: string }[];
  /**
   * Also read the host's links, addresses and routes (the network modules'
   * probe), to refuse changes that would cut the controller off.
   */
  network?: boolean;
}

/** The probe's shell text: the table listing, the flows under each owned cookie, optionally the network state. */
export function ovsProbeScript(options: OvsProbeOptions = {}): string {
  const flowsOf = options.flowsOf ?? [];
  const lines = [
    `if ! command -v ovs-vsctl >/dev/null 2>&1; then echo '${MARK} missing'; exit 0; fi`,
    `echo '${MARK} vsctl'`,
    `zc_ovs_rc=0; ${listCommand()} 2>&1 || zc_ovs_rc=$?`,
    `echo "${MARK} vsctl-exit $zc_ovs_rc"`,
  ];
  for (const { bridge, cookie } of flowsOf) {
    lines.push(
      `echo ${command(`${MARK} flows ${bridge} ${cookie}`)}`,
      `zc_ovs_rc=0; ${command('ovs-ofctl', '--no-names', '--no-stats', 'dump-flows', bridge, `cookie=${cookie}/-1`)} 2>&1 || zc_ovs_rc=$?`,
      `echo "${MARK} flows-exit $zc_ovs_rc"`,
    );
  }
  if (options.network) lines.push(`echo '${MARK} net'`, netProbe());
  return lines.join('\n');
}

/** What the bridge and port modules work from: the OVS tables and the host's network state. */
export interface OvsHostState {
  ovs: OvsState;
  net: NetProbe | null;
}

export interface OvsProbeResult {
  state: OvsState;
  /** The host's network state, when the probe asked for it. */
  net: NetProbe | null;
  /** `bridge cookie` → dump-flows text, or null when the bridge does not exist (yet). */
  flows: Map<string, string | null>;
}

export function flowsKey(bridge: string, cookie: string): string {
  return `${bridge} ${cookie}`;
}

interface Section {
  head: string;
  body: string[];
  exit: number | undefined;
}

function sections(stdout: string): Section[] {
  const out: Section[] = [];
  let current: Section | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${MARK} `)) {
      const rest = line.slice(MARK.length + 1);
      const exit = /^(?:vsctl|flows)-exit (\d+)$/.exec(rest);
      if (exit && current) current.exit = Number(exit[1]);
      else out.push((current = { head: rest, body: [], exit: undefined }));
    } else if (current) current.body.push(line);
  }
  return out;
}

// ovs-vsctl's words when it cannot reach ovsdb-server (no socket, refused, or --timeout expired).
const NOT_RUNNING = /database connection failed|Connection refused|No such file or directory|timeout expired|timed out/i;

/** Parses the probe's output; a host without a usable Open vSwitch is a TaskError. */
export function parseOvsProbe(output: ProbeOutput, host: string): OvsProbeResult {
  const parts = sections(output.stdout);
  const first = parts[0];
  if (first?.head === 'missing') {
    throw new TaskError(`Open vSwitch is not installed on ${host}: install openvswitch-switch (package module)`);
  }
  if (!first || first.head !== 'vsctl' || first.exit === undefined) {
    throw new TaskError(`the Open vSwitch probe on ${host} did not complete: ${(output.stderr || output.stdout).trim().slice(0, 300)}`);
  }
  const vsctlText = first.body.join('\n').trim();
  if (first.exit !== 0) {
    if (NOT_RUNNING.test(vsctlText)) {
      throw new TaskError(`Open vSwitch is not running on ${host}: start openvswitch-switch (service module) — ${vsctlText}`);
    }
    throw new TaskError(`ovs-vsctl failed on ${host}: ${vsctlText}`);
  }
  const docs = first.body.filter((l) => l.startsWith('{'));
  const [bridgeDoc, portDoc, interfaceDoc] = docs;
  if (docs.length !== 3 || !bridgeDoc || !portDoc || !interfaceDoc) {
    throw new TaskError(`ovs-vsctl on ${host} printed ${docs.length} tables, expected 3 (Bridge, Port, Interface)`);
  }
  let state: OvsState;
  try {
    state = parseOvsState(bridgeDoc, portDoc, interfaceDoc);
  } catch (error) {
    if (error instanceof OvsdbFormatError) throw new TaskError(`cannot read ovs-vsctl's output on ${host}: ${error.message}`);
    throw error;
  }
  const flows = new Map<string, string | null>();
  let net: NetProbe | null = null;
  for (const part of parts.slice(1)) {
    if (part.head === 'net') {
      net = parseNetProbe(part.body.join('\n'));
      continue;
    }
    const match = /^flows (\S+) (\S+)$/.exec(part.head);
    if (!match) continue;
    const [, bridge = '', cookie = ''] = match;
    const text = part.body.join('\n');
    if (part.exit === 0) flows.set(flowsKey(bridge, cookie), text);
    else if (!state.bridges[bridge]) flows.set(flowsKey(bridge, cookie), null);
    else throw new TaskError(`ovs-ofctl dump-flows ${bridge} failed on ${host}: ${text.trim()}`);
  }
  return { state, flows, net };
}
