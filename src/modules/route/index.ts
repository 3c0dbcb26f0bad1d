/**
 * `route`: one static route.
 */
import { defineModule } from '../contract.ts';
import { netProbe, parseNetProbe } from '../../netconfig/probe.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import { routeCommands } from './commands.ts';
import { diffRoute } from './diff.ts';
import { routeDoc } from './doc.ts';
import { routeProbeRequest } from './probe.ts';
import { routeParams } from './schema.ts';
import type { RouteParams } from './schema.ts';

export const routeModule = defineModule<RouteParams, NetProbe>({
  name: 'route',
  doc: routeDoc,
  schema: routeParams,
  probe: (params) => netProbe(routeProbeRequest(params)),
  parse: (output, params) => parseNetProbe(output.stdout, routeProbeRequest(params)),
  diff: (desired, actual, ctx) => diffRoute(desired, actual, ctx),
  commands: (changes) => routeCommands(changes),
});
