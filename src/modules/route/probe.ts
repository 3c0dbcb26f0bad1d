import type { NetProbeRequest } from '../../netconfig/probe.ts';
import { persistFiles } from '../../netconfig/persist/index.ts';
import type { RouteParams } from './schema.ts';

export function routeProbeRequest(p: RouteParams): NetProbeRequest {
  return { files: p.persist && p.dev !== undefined ? persistFiles([p.dev]) : [] };
}
