/**
 * `bridge`: a Linux bridge and its ports.
 */
import { defineModule } from '../contract.ts';
import { netProbe, parseNetProbe } from '../../netconfig/probe.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import { bridgeCommands } from './commands.ts';
import { diffBridge } from './diff.ts';
import { bridgeDoc } from './doc.ts';
import { bridgeProbeRequest } from './probe.ts';
import { bridgeParams } from './schema.ts';
import type { BridgeParams } from './schema.ts';

export const bridgeModule = defineModule<BridgeParams, NetProbe>({
  name: 'bridge',
  doc: bridgeDoc,
  schema: bridgeParams,
  probe: (params) => netProbe(bridgeProbeRequest(params)),
  parse: (output, params) => parseNetProbe(output.stdout, bridgeProbeRequest(params)),
  diff: (desired, actual, ctx) => diffBridge(desired, actual, ctx),
  commands: (changes) => bridgeCommands(changes),
});
