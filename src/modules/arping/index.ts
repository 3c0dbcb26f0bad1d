/**
 * `arping`: a gratuitous ARP, as a handler after an address moved.
 */
import { defineModule } from '../contract.ts';
import { netProbe, parseNetProbe } from '../../netconfig/probe.ts';
import type { NetProbe, NetProbeRequest } from '../../netconfig/probe.ts';
import { arpingCommands } from './commands.ts';
import { diffArping } from './diff.ts';
import { arpingDoc } from './doc.ts';
import { arpingParams } from './schema.ts';
import type { ArpingParams } from './schema.ts';

const request: NetProbeRequest = { tools: ['arping'] };

export const arpingModule = defineModule<ArpingParams, NetProbe>({
  name: 'arping',
  doc: arpingDoc,
  schema: arpingParams,
  probe: () => netProbe(request),
  parse: (output) => parseNetProbe(output.stdout, request),
  diff: (desired, actual) => diffArping(desired, actual),
  commands: (changes, desired) => arpingCommands(changes, desired),
});
