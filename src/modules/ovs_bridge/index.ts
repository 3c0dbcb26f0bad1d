/**
 * ovs_bridge: an Open vSwitch bridge and the columns an operator sets on it.
 * Changes go out as ONE ovs-vsctl transaction per task.
 */
import { z } from 'zod';
import { defineModule, type Change } from '../contract.ts';
import { ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import { mapText, ovsName, ownedMap } from '../../ovs/schema.ts';
import type { OvsBridge, OvsState } from '../../ovs/state.ts';
import { diffOwnedMap, mapSteps, vsctlTransaction } from '../../ovs/vsctl.ts';

export const bridgeParams = z
  .object({
    name: ovsName,
    state: z.enum(['present', 'absent']).default('present'),
    datapath_type: z.enum(['system', 'netdev']).optional(),
    fail_mode: z.enum(['standalone', 'secure']).optional(),
    stp: z.boolean().optional(),
    other_config: ownedMap.optional(),
    external_ids: ownedMap.optional(),
  })
  .strict();

export type BridgeParams = z.infer<typeof bridgeParams>;

/** What a change does, as ovs-vsctl steps (JSON, so a saved plan can replay it). */
interface StepsData {
  steps: string[][];
}

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
    changes.push({
      summary: `bridge ${p.name}: ${label} ${from ?? '(unset)'} → ${to}`,
      data: { steps: [['set', 'bridge', p.name, `${column}=${to}`]] } satisfies StepsData,
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
export function diffBridge(p: BridgeParams, state: OvsState): Change[] {
  const actual = state.bridges[p.name];
  if (p.state === 'absent') {
    if (!actual) return [];
    const ports = actual.ports.filter((port) => port !== p.name);
    return [{
      summary: `delete bridge ${p.name}${ports.length ? ` and its ports ${ports.join(', ')}` : ''}`,
      data: { steps: [['--if-exists', 'del-br', p.name]] } satisfies StepsData,
    }];
  }
  return actual ? updateChanges(p, actual) : [createChange(p)];
}

export function bridgeCommands(changes: readonly Change[]): string {
  return vsctlTransaction(changes.flatMap((c) => (c.data as StepsData).steps));
}

export const ovsBridge = defineModule<BridgeParams, OvsState>({
  name: 'ovs_bridge',
  doc: {
    summary: 'An Open vSwitch bridge: datapath type, fail mode, STP and owned other_config/external_ids keys.',
    description: [
      'Creates the bridge (`--may-exist add-br`) and sets only the columns given; a column left out is left alone.',
      'In other_config and external_ids only the listed keys are managed: a value sets the key, null removes it, other keys stay untouched.',
      'All of a task\'s changes run as one ovs-vsctl transaction (all or nothing). `state: absent` deletes the bridge with its ports.',
      'A host without a running Open vSwitch fails the task with a clear message at probe time: start openvswitch-switch first (service module).',
    ].join('\n'),
    params: {
      name: 'bridge name (≤ 15 characters: letters, digits, _ . -)',
      state: 'present (default) or absent',
      datapath_type: 'system (kernel datapath) or netdev (userspace datapath); left alone when omitted',
      fail_mode: 'standalone or secure; left alone when omitted',
      stp: 'true/false: Spanning Tree on the bridge (stp_enable); left alone when omitted',
      other_config: 'map of keys to manage (value sets, null removes); other keys left alone',
      external_ids: 'map of keys to manage (value sets, null removes); other keys left alone',
    },
    examples: [
      '- name: guest bridge',
      '  ovs_bridge:',
      '    name: cloudbr1',
      '    datapath_type: system',
      '    fail_mode: standalone',
      '    external_ids: { zone: zone1 }',
    ].join('\n'),
  },
  schema: bridgeParams,
  probe: () => ovsProbeScript(),
  parse: (output, _params, ctx) => parseOvsProbe(output, ctx.host).state,
  diff: (desired, actual) => diffBridge(desired, actual),
  commands: (changes) => bridgeCommands(changes),
});
