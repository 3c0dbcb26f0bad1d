/**
 * ovs_flows: the OpenFlow flows on a bridge under one cookie zonectl owns.
 * Flows under any other cookie are never read into the diff nor touched; the
 * owned set is replaced in one OpenFlow bundle (atomic).
 */
import { defineModule } from '../contract.ts';
import { replaceCookieFlowsCommand } from '../../ovs/flows.ts';
import { flowsKey, ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import { ofportNames } from '../../ovs/state.ts';
import { diffOwnedFlows, type FlowsState } from './diff.ts';
import { ovsFlowsDoc } from './doc.ts';
import { flowsParams, type FlowsParams } from './schema.ts';

export const ovsFlows = defineModule<FlowsParams, FlowsState>({
  name: 'ovs_flows',
  doc: ovsFlowsDoc,
  schema: flowsParams,
  probe: (p) => ovsProbeScript({ flowsOf: [{ bridge: p.bridge, cookie: p.cookie }] }),
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
