/**
 * `link`: MTU and up/down of an existing interface.
 */
import { defineModule } from '../contract.ts';
import { parseNetProbe } from '../../netconfig/probe.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import { netProbe } from '../../netconfig/probe.ts';
import { linkCommands } from './commands.ts';
import { diffLink } from './diff.ts';
import { linkDoc } from './doc.ts';
import { linkProbeRequest } from './probe.ts';
import { linkParams } from './schema.ts';
import type { LinkParams } from './schema.ts';

export const linkModule = defineModule<LinkParams, NetProbe>({
  name: 'link',
  doc: linkDoc,
  schema: linkParams,
  probe: (params) => netProbe(linkProbeRequest(params)),
  parse: (output, params) => parseNetProbe(output.stdout, linkProbeRequest(params)),
  diff: (desired, actual, ctx) => diffLink(desired, actual, ctx),
  commands: (changes) => linkCommands(changes),
});
