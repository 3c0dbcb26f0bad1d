/**
 * ovs_bridge: an Open vSwitch bridge and the columns an operator sets on it.
 * Changes go out as ONE ovs-vsctl transaction per task.
 */
import { defineModule } from '../contract.ts';
import { ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import type { OvsState } from '../../ovs/state.ts';
import { bridgeCommands, diffBridge } from './diff.ts';
import { ovsBridgeDoc } from './doc.ts';
import { bridgeParams, type BridgeParams } from './schema.ts';

export const ovsBridge = defineModule<BridgeParams, OvsState>({
  name: 'ovs_bridge',
  doc: ovsBridgeDoc,
  schema: bridgeParams,
  probe: () => ovsProbeScript(),
  parse: (output, _params, ctx) => parseOvsProbe(output, ctx.host).state,
  diff: (desired, actual) => diffBridge(desired, actual),
  commands: (changes) => bridgeCommands(changes),
});
