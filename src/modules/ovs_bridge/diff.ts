/** `ovs_bridge`: desired bridge vs the switch's tables → changes → one ovs-vsctl transaction. Pure. */
import type { Change, RunContext } from '../contract.ts';
import { refuseManagementCut } from '../../ovs/management.ts';
import type { OvsHostState } from '../../ovs/probe.ts';
import { mapText } from '../../ovs/schema.ts';
import type { OvsBridge } from '../../ovs/state.ts';
import { quote } from '../../shell/quote.ts';
import { diffOwnedMap, mapSteps, vsctlTransaction } from '../../ovs/vsctl.ts';
import type { BridgeParams } from './schema.ts';

/** What a change does, as ovs-vsctl steps (JSON, so a saved plan can replay it). */
interface StepsData {
  steps: string[][];
  /** The change makes Open vSwitch flush every flow of the bridge (see keepFlows). */
  flushesFlows?: boolean;
}

/**
 * Columns whose change on an existing bridge makes Open vSwitch delete every
 * OpenFlow flow on it: a new fail_mode flushes the table when the bridge has no
 * controller (connmgr_set_fail_mode), a new datapath_type re-creates the bridge.
 */
const FLUSHING_COLUMNS = new Set(['datapath_type', 'fail_mode']);

function columnAssignments(p: BridgeParams): string[] {
  const out: string[] = [];
  if (p.datapath_type !== undefined) out.push(`datapath_type=${p.datapath_type}`);
  if (p.fail_mode !== undefined) out.push(`fail_mode=${p.fail_mode}`);
  if (p.stp !== undefined) out.push(`stp_enable=${p.stp}`);
  return out;
}

function createChange(p: BridgeParams): Change {
  const settings = [...columnAssignments(p), ...(p.other_config ? [`other_config: ${mapText(p.other_config)}`] : []), ...(p.external_ids ? [`external_ids: ${mapText(p.external_ids)}`] : [])];
  const steps: string[][] = [['--may-exist', 'add-br', p.name]];
  const assignments = columnAssignments(p);
  if (assignments.length > 0) steps.push(['set', 'bridge', p.name, ...assignments]);
  steps.push(...mapSteps('bridge', p.name, 'other_config', diffOwnedMap(p.other_config, {})));
  steps.push(...mapSteps('bridge', p.name, 'external_ids', diffOwnedMap(p.external_ids, {})));
  return { summary: `create bridge ${p.name}${settings.length ? ` (${settings.join(', ')})` : ''}`, data: { steps } satisfies StepsData };
}

function updateChanges(p: BridgeParams, actual: OvsBridge): Change[] {
  const changes: Change[] = [];
  const column = (label: string, column: string, from: string | boolean | undefined, to: string | boolean | undefined): void => {
    if (to === undefined || from === to) return;
    const flushes = FLUSHING_COLUMNS.has(column);
    changes.push({
      summary: `bridge ${p.name}: ${label} ${from ?? '(unset)'} → ${to}${flushes ? ' (Open vSwitch flushes the flows on this change: zonectl saves and restores them)' : ''}`,
      data: { steps: [['set', 'bridge', p.name, `${column}=${to}`]], ...(flushes ? { flushesFlows: true } : {}) } satisfies StepsData,
    });
  };
  column('datapath_type', 'datapath_type', actual.datapathType, p.datapath_type);
  column('fail_mode', 'fail_mode', actual.failMode, p.fail_mode);
  column('stp', 'stp_enable', actual.stp, p.stp);
  for (const [name, desired, current] of [
    ['other_config', p.other_config, actual.otherConfig],
    ['external_ids', p.external_ids, actual.externalIds],
  ] as const) {
    const change = diffOwnedMap(desired, current);
    for (const [key, value] of Object.entries(change.set)) {
      changes.push({
        summary: `bridge ${p.name}: ${name}:${key} ${current[key] ?? '(unset)'} → ${value}`,
        data: { steps: mapSteps('bridge', p.name, name, { set: { [key]: value }, remove: [] }) } satisfies StepsData,
      });
    }
    for (const key of change.remove) {
      changes.push({
        summary: `bridge ${p.name}: remove ${name}:${key} (was ${current[key]})`,
        data: { steps: mapSteps('bridge', p.name, name, { set: {}, remove: [key] }) } satisfies StepsData,
      });
    }
  }
  return changes;
}

/** Pure: desired bridge vs the switch's tables. */
export function diffBridge(p: BridgeParams, host: OvsHostState, ctx: RunContext): Change[] {
  const actual = host.ovs.bridges[p.name];
  if (p.state === 'absent') {
    if (!actual) return [];
    const devices = actual.ports.flatMap((port) => host.ovs.ports[port]?.interfaces.map((i) => i.name) ?? [port]);
    refuseManagementCut(`delete bridge ${p.name}`, devices, host.net, ctx);
    const ports = actual.ports.filter((port) => port !== p.name);
    return [{
      summary: `delete bridge ${p.name}${ports.length ? ` and its ports ${ports.join(', ')}` : ''}`,
      data: { steps: [['--if-exists', 'del-br', p.name]] } satisfies StepsData,
    }];
  }
  return actual ? updateChanges(p, actual) : [createChange(p)];
}

export function bridgeCommands(changes: readonly Change[], bridge: string): string {
  const transaction = vsctlTransaction(changes.flatMap((c) => (c.data as StepsData).steps));
  return changes.some((c) => (c.data as StepsData).flushesFlows) ? keepFlows(bridge, transaction) : transaction;
}

/**
 * Runs `transaction` so the bridge's flows survive it, as Open vSwitch's own
 * ovs-save does around a restart: dump every flow (all cookies: other owners'
 * flows and those of ovs_flows/ovs_tunnel_mesh, which were probed as present),
 * run the transaction, add them back in one bundle. Ports by name, since a new
 * datapath may number them anew. The `priority=0 actions=NORMAL` flow that
 * OVS itself keeps on a standalone bridge is left to OVS: restoring it onto a
 * secure bridge would open it.
 */
function keepFlows(bridge: string, transaction: string): string {
  const br = quote(bridge);
  return [
    'zc_flows=$(mktemp)',
    `ovs-ofctl --names --no-stats dump-flows ${br} >"$zc_flows" || { rm -f "$zc_flows"; exit 1; }`,
    `sed -i '/^ *priority=0 actions=NORMAL$/d' "$zc_flows"`,
    `if ${transaction}; then zc_vsctl=0; else zc_vsctl=$?; fi`,
    `ovs-ofctl --names --bundle add-flows ${br} "$zc_flows" || { rm -f "$zc_flows"; exit 1; }`,
    'rm -f "$zc_flows"',
    '[ "$zc_vsctl" -eq 0 ] || exit "$zc_vsctl"',
  ].join('\n');
}
