/**
 * `frr`: FRR's daemons and its whole configuration (BGP for routed zones),
 * checked by FRR before it is installed and reloaded without a restart.
 */
import { bgpNeighbors, missingReferences } from '../../frr/config-text.ts';
import { renderFrrConf } from '../../frr/render.ts';
import { defineModule, TaskError } from '../contract.ts';
import { frrCommands } from './commands.ts';
import { diffFrr } from './diff.ts';
import { frrDoc } from './doc.ts';
import { parseFrr } from './parse.ts';
import type { FrrState } from './parse.ts';
import { frrProbe } from './probe.ts';
import { frrParams, structuredOf } from './schema.ts';
import type { FrrParams } from './schema.ts';

function isStructured(p: FrrParams): boolean {
  return p.bgp !== undefined || Object.keys(p.prefix_lists).length > 0 || Object.keys(p.route_maps).length > 0 || p.static_routes.length > 0;
}

/** The frr.conf text the task wants, or undefined when it manages only the daemons. */
export function desiredConfig(p: FrrParams): string | undefined {
  if (p.config !== undefined) return p.config;
  if (p.src !== undefined) throw new TaskError(`frr template ${p.src} was not rendered when the plan was compiled`);
  if (!isStructured(p)) return undefined;
  return renderFrrConf({ frr_version: p.frr_version, hostname: p.hostname, log_syslog: p.log_syslog, ...structuredOf(p) });
}

/**
 * A password goes on one config line and into the kernel's TCP MD5 key (at
 * most 80 bytes). Checked once revealed, on the controller, before any text
 * leaves for the host; the message never shows the value.
 */
function checkPasswords(p: FrrParams): void {
  const all = [...(p.bgp?.neighbors ?? []), { address: 'neighbor_defaults', password: p.bgp?.neighbor_defaults?.password }];
  for (const n of all) {
    if (n.password !== undefined && !/^[\x21-\x7e]{1,80}$/.test(n.password)) {
      throw new TaskError(`the password of ${n.address === 'neighbor_defaults' ? 'neighbor_defaults' : `neighbor ${n.address}`} must be 1-80 printable ASCII characters without spaces`);
    }
  }
}

export const frrModule = defineModule<FrrParams, FrrState>({
  name: 'frr',
  doc: frrDoc,
  schema: frrParams,
  secretParams: ['bgp.neighbors.*.password', 'bgp.neighbor_defaults.password'],
  // The configuration is rendered once, at compile time: the plan holds the exact text.
  prepare(params, ctx) {
    const config = params.src !== undefined ? ctx.render(ctx.readFile('templates', params.src), params.src) : desiredConfig(params);
    if (config === undefined) return params;
    const missing = missingReferences(config)[0];
    if (missing) {
      const where = params.config !== undefined || params.src !== undefined ? ` (line ${missing.line} of the configuration)` : '';
      ctx.fail(`${missing.kind} ${missing.name} is used but not defined${where}`, params.config !== undefined ? ['config'] : params.src !== undefined ? ['src'] : undefined, `define it with ${missing.kind} ${missing.name} ...`);
    }
    return { ...params, config };
  },
  probe(params) {
    checkPasswords(params);
    return frrProbe(desiredConfig(params));
  },
  parse: (output, params) => parseFrr(output.stdout, desiredConfig(params) !== undefined),
  diff: (desired, actual) => diffFrr({ daemons: desired.daemons, config: desiredConfig(desired) }, actual),
  commands(changes, desired) {
    const config = desiredConfig(desired);
    const waitFor = desired.wait_for?.bgp_established && config !== undefined ? { neighbors: bgpNeighbors(config), timeout: desired.wait_for.timeout } : undefined;
    return frrCommands(changes, { config, waitFor });
  },
});
