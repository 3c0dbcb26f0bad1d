/**
 * ovs_flows: the OpenFlow flows on a bridge under one cookie zonectl owns.
 * Flows under any other cookie are never read into the diff nor touched; the
 * owned set is replaced in one OpenFlow bundle (atomic).
 */
import { z } from 'zod';
import { defineModule, type Change } from '../contract.ts';
import { ownedCookie } from '../../ovs/cookie.ts';
import { diffFlows, flowProblem, replaceCookieFlowsCommand } from '../../ovs/flows.ts';
import { flowsKey, ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import { ovsName } from '../../ovs/schema.ts';
import { ofportNames } from '../../ovs/state.ts';

const flow = z.string().transform((text, ctx) => {
  const trimmed = text.trim();
  const problem = flowProblem(trimmed);
  if (problem) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (an ovs-ofctl flow such as priority=100,ip,in_port=eth1,actions=NORMAL)` });
    return z.NEVER;
  }
  return trimmed;
});

export const flowsParams = z
  .object({
    bridge: ovsName,
    cookie: ownedCookie,
    flows: z.array(flow).default([]),
  })
  .strict();

export type FlowsParams = z.infer<typeof flowsParams>;

/** What the probe found: the bridge's port numbers and the flows under the cookie. */
export interface FlowsState {
  /** OpenFlow port number → name (dump-flows prints numbers). */
  ports: Record<string, string>;
  /** dump-flows output, or null when the bridge does not exist yet. */
  dumped: string | null;
}

export function portMap(ports: Readonly<Record<string, string>>): Map<number, string> {
  return new Map(Object.entries(ports).map(([n, name]) => [Number(n), name]));
}

/** Pure: one change per flow to add (+) or remove (−). */
export function diffOwnedFlows(bridge: string, cookie: string, desired: readonly string[], actual: FlowsState): Change[] {
  const { add, remove } = diffFlows(desired, actual.dumped, portMap(actual.ports), cookie);
  return [
    ...add.map((f) => ({ summary: `flow on ${bridge} cookie ${cookie}: + ${f}`, data: { add: f } })),
    ...remove.map((f) => ({ summary: `flow on ${bridge} cookie ${cookie}: - ${f}`, data: { remove: f } })),
  ];
}

export const ovsFlows = defineModule<FlowsParams, FlowsState>({
  name: 'ovs_flows',
  doc: {
    summary: 'The OpenFlow flows under one cookie on an Open vSwitch bridge, replaced atomically.',
    description: [
      'zonectl owns exactly the flows whose cookie equals `cookie`: flows under other cookies (the default cookie 0,',
      'CloudStack\'s, another task\'s) are never removed or changed. When anything differs, every flow under the cookie',
      'is replaced in ONE OpenFlow bundle (`ovs-ofctl --bundle add-flows`: delete cookie=C/-1, then add each flow), so',
      'the switch never runs a half-updated table; the owned flows\' packet counters restart then.',
      'Flows are compared the way ovs-ofctl prints them: statistics ignored, match fields in any order, default',
      'priority 32768, zero timeouts, protocol shorthands (ip, tcp…), port names or numbers, NORMAL in any case.',
      'An add replaces a flow with the same match and priority under another cookie (OpenFlow semantics): keep owned',
      'matches distinct. Bundles need OpenFlow 1.4, which Open vSwitch enables unless the bridge\'s protocols exclude it.',
    ].join('\n'),
    params: {
      bridge: 'the bridge',
      cookie: 'the non-zero cookie zonectl owns on this bridge (number or hex string, e.g. 0x5a430001)',
      flows: 'ovs-ofctl flow strings without cookie=, e.g. priority=100,in_port=eth1,dl_vlan=100,actions=strip_vlan,NORMAL; [] removes every owned flow',
    },
    examples: [
      '- name: drop DHCP servers on guest ports',
      '  ovs_flows:',
      '    bridge: cloudbr1',
      '    cookie: 0x5a430010',
      '    flows:',
      '      - priority=2000,udp,in_port=vnet0,tp_src=67,actions=drop',
    ].join('\n'),
  },
  schema: flowsParams,
  probe: (p) => ovsProbeScript([{ bridge: p.bridge, cookie: p.cookie }]),
  parse: (output, p, ctx) => {
    const { state, flows } = parseOvsProbe(output, ctx.host);
    return {
      ports: Object.fromEntries([...ofportNames(state, p.bridge)].map(([n, name]) => [String(n), name])),
      dumped: flows.get(flowsKey(p.bridge, p.cookie)) ?? null,
    };
  },
  diff: (p, actual) => diffOwnedFlows(p.bridge, p.cookie, p.flows, actual),
  commands: (changes, p) => (changes.length === 0 ? '' : replaceCookieFlowsCommand(p.bridge, p.cookie, p.flows)),
});
