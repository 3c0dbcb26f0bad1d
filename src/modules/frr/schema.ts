/**
 * Params of `frr`: which daemons run, and the configuration as full text
 * (`config`, `src` template) or structured (`bgp`, `prefix_lists`,
 * `route_maps`, `static_routes`). Everything that can be checked offline is
 * checked here: AS numbers, addresses, prefixes, names, and references to
 * route maps and prefix lists that are not defined.
 */
import { z } from 'zod';
import { FRR_DAEMONS } from '../../frr/daemons.ts';
import { familyOf } from '../../frr/render.ts';
import type { AddressFamily, BgpConfig, PrefixList, RouteMap, StaticRoute } from '../../frr/types.ts';
import { canonicalIp, formatCidr, hasHostBits, parseCidr } from '../../netconfig/ip-address.ts';
import { interfaceName } from '../../netconfig/names.ts';
import { sourceName } from '../file/schema.ts';
import { strictObject } from '../file/strict-object.ts';

const custom = z.ZodIssueCode.custom;
const ASN_HINT = 'an AS number is 1-4294967295 (private: 64512-65534 and 4200000000-4294967294)';

const asn = z.number({ invalid_type_error: ASN_HINT, required_error: 'asn is required' }).int(ASN_HINT).min(1, ASN_HINT).max(4294967295, ASN_HINT);

/** Names FRR accepts for route maps and prefix lists, kept to what is safe in a config line. */
const NAME_HINT = '1-63 characters: letters, digits, _ . -';
const listName = (what: string) => z.string({ invalid_type_error: `${what} must be a name (${NAME_HINT})` }).regex(/^[A-Za-z0-9_.-]{1,63}$/, `${what} must be ${NAME_HINT}`);

/** Free text that goes on one config line (descriptions). */
const lineText = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be text` })
    .min(1, `${what} must not be empty`)
    .max(80, `${what} is at most 80 characters`)
    .refine((v) => [...v].every((c) => c.charCodeAt(0) >= 0x20 && c !== '\x7f' && c !== '!') && v.trim() === v, { message: `${what} must be one line of printable text without '!' or surrounding spaces` });

const ipAddress = (what: string) =>
  z.string({ invalid_type_error: `${what} must be an IPv4 or IPv6 address` }).transform((v, ctx) => {
    const ip = canonicalIp(v.trim());
    if (ip === undefined) {
      ctx.addIssue({ code: custom, message: v.trim() === '' ? `${what} is empty (it must be an IPv4 or IPv6 address)` : `${what} ${v} is not an IPv4 or IPv6 address` });
      return z.NEVER;
    }
    return ip;
  });

const ipv4Address = (what: string) =>
  ipAddress(what).superRefine((v, ctx) => {
    // After a failed transform zod still runs this with a non-string; that failure is reported already.
    if (typeof v === 'string' && familyOf(v) !== 4) ctx.addIssue({ code: custom, message: `${what} ${v} must be an IPv4 address` });
  });

/** A network: address/prefix with no host bits set. */
const network = (what: string) =>
  z.string({ invalid_type_error: `${what} must be a network like 10.1.0.0/24` }).transform((v, ctx) => {
    const cidr = parseCidr(v.trim());
    if (!cidr) {
      ctx.addIssue({ code: custom, message: `${what} ${v} is not a network like 10.1.0.0/24 or 2001:db8::/48` });
      return z.NEVER;
    }
    if (hasHostBits(cidr)) {
      ctx.addIssue({ code: custom, message: `${what} ${v} has host bits set (write the network address)` });
      return z.NEVER;
    }
    return formatCidr(cidr);
  });

/** What a neighbour can say besides its address and AS (also what neighbor_defaults can give every neighbour). */
const neighborSettings = {
  // A placeholder in plans; checked on the host once revealed (see probe.ts).
  password: z.string({ invalid_type_error: 'password must be a string' }).min(1, 'password must not be empty').optional(),
  description: lineText('description').optional(),
  ebgp_multihop: z
    .union([z.boolean(), z.number().int().min(1).max(255)], { errorMap: () => ({ message: 'ebgp_multihop must be true (255 hops) or a hop count 1-255' }) })
    .transform((v) => (v === true ? 255 : v === false ? undefined : v))
    .optional(),
  update_source: z.string().transform((v, ctx) => {
    const ip = canonicalIp(v.trim());
    if (ip !== undefined) return ip;
    const iface = interfaceName('update_source').safeParse(v);
    if (!iface.success) {
      ctx.addIssue({ code: custom, message: `update_source ${v} is neither an address nor an interface name` });
      return z.NEVER;
    }
    return v;
  }).optional(),
  route_map_in: listName('route_map_in').optional(),
  route_map_out: listName('route_map_out').optional(),
  soft_reconfiguration: z.boolean({ invalid_type_error: 'soft_reconfiguration must be true or false' }).optional(),
  shutdown: z.boolean({ invalid_type_error: 'shutdown must be true or false' }).optional(),
};

const neighbor = strictObject(
  {
    address: ipAddress('neighbor address'),
    remote_as: z.union([asn, z.enum(['internal', 'external'])], { errorMap: () => ({ message: `remote_as must be internal, external or ${ASN_HINT}` }) }),
    ...neighborSettings,
  },
  'neighbor',
);

/** Settings every neighbour gets unless it sets them itself (a role's policy for all its peers). */
const neighborDefaults = strictObject(neighborSettings, 'neighbor_defaults');

const addressFamily = (family: 4 | 6) =>
  strictObject(
    {
      networks: z.array(network('network')).default([]),
      neighbors: z.array(ipAddress('neighbor')).optional(),
      redistribute: z.array(z.enum(['connected', 'static', 'kernel'], { errorMap: () => ({ message: 'redistribute is connected, static or kernel' }) })).default([]),
    },
    family === 4 ? 'ipv4_unicast' : 'ipv6_unicast',
  ).superRefine((af, ctx) => {
    af.networks.forEach((n, i) => {
      // A network that failed its own check is not a string here; it is reported already.
      if (typeof n === 'string' && familyOf(n) !== family) ctx.addIssue({ code: custom, path: ['networks', i], message: `network ${n} is not an IPv${family} network (it belongs in ipv${familyOf(n)}_unicast)` });
    });
  });

const bgp = strictObject(
  {
    asn,
    router_id: ipv4Address('router_id').optional(),
    ebgp_requires_policy: z.boolean({ invalid_type_error: 'ebgp_requires_policy must be true or false' }).default(true),
    neighbor_defaults: neighborDefaults.optional(),
    neighbors: z.array(neighbor).default([]),
    address_families: strictObject(
      {
        ipv4_unicast: addressFamily(4).optional(),
        ipv6_unicast: addressFamily(6).optional(),
      },
      'address_families',
    ).default({}),
  },
  'bgp',
);

const prefixListEntryObject = strictObject(
  {
    seq: z.number().int().min(1).max(4294967295).optional(),
    action: z.enum(['permit', 'deny'], { errorMap: () => ({ message: 'action must be permit or deny' }) }),
    prefix: z.union([z.literal('any'), network('prefix')], { errorMap: () => ({ message: 'prefix must be any or a network like 10.0.0.0/8' }) }),
    ge: z.number().int().min(0).max(128).optional(),
    le: z.number().int().min(0).max(128).optional(),
  },
  'prefix list entry',
);

/** An entry, or just a network (or `any`): shorthand for `{action: permit, prefix: NETWORK}`, so a role can pass its list of networks. */
const prefixListEntry = z.preprocess((v) => (typeof v === 'string' ? { action: 'permit', prefix: v } : v), prefixListEntryObject);

const prefixList = z.union([
  z.array(prefixListEntry),
  strictObject({ family: z.enum(['ipv4', 'ipv6']).optional(), entries: z.array(prefixListEntry) }, 'prefix list'),
], { errorMap: () => ({ message: 'a prefix list is a list of {action, prefix, seq?, ge?, le?} or {family, entries}' }) });

const routeMapEntry = strictObject(
  {
    seq: z.number().int().min(1).max(65535).optional(),
    action: z.enum(['permit', 'deny'], { errorMap: () => ({ message: 'action must be permit or deny' }) }),
    description: lineText('description').optional(),
    match: strictObject(
      {
        prefix_list: listName('match.prefix_list').optional(),
        as_path: listName('match.as_path').optional(),
        community: listName('match.community').optional(),
      },
      'match',
    ).default({}),
    set: strictObject(
      {
        local_preference: z.number().int().min(0).max(4294967295).optional(),
        metric: z.number().int().min(0).max(4294967295).optional(),
        weight: z.number().int().min(0).max(65535).optional(),
        community: z.string().regex(/^[0-9:a-z -]{1,200}$/, 'set.community must be communities like 65001:100 or no-export').optional(),
        as_path_prepend: z.array(asn).min(1).optional(),
      },
      'set',
    ).default({}),
  },
  'route map entry',
);

const staticRoute = strictObject(
  {
    to: network('static route to'),
    via: ipAddress('via').optional(),
    dev: interfaceName('dev').optional(),
    blackhole: z.boolean().default(false),
    distance: z.number().int().min(1).max(255).optional(),
  },
  'static route',
).superRefine((r, ctx) => {
  const targets = [r.via !== undefined || r.dev !== undefined, r.blackhole].filter(Boolean).length;
  if (targets !== 1) ctx.addIssue({ code: custom, message: 'a static route needs via and/or dev, or blackhole: true (not both)' });
  if (typeof r.via === 'string' && typeof r.to === 'string' && familyOf(r.via) !== familyOf(r.to)) ctx.addIssue({ code: custom, path: ['via'], message: `via ${r.via} is not in the same address family as ${r.to}` });
});

const daemonName = z.enum(FRR_DAEMONS, { errorMap: () => ({ message: `unknown FRR daemon (allowed: ${FRR_DAEMONS.join(', ')})` }) });

export const frrParams = strictObject(
  {
    daemons: z
      .union([z.array(daemonName), z.record(daemonName, z.boolean())], { errorMap: () => ({ message: 'daemons is a list of daemons that run (bgpd, ...) or a mapping daemon: true|false' }) })
      .optional(),
    /** The whole frr.conf text; filled in by prepare() from src or the structured params. */
    config: z.string({ invalid_type_error: 'config must be the frr.conf text' }).optional(),
    src: sourceName.optional(),
    frr_version: z.string().regex(/^[0-9][0-9a-z.~+-]{0,31}$/, 'frr_version is a version like 8.4.4').optional(),
    hostname: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, 'hostname is letters, digits, . and -').optional(),
    log_syslog: z
      .union([z.enum(['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging']), z.literal(false)], {
        errorMap: () => ({ message: 'log_syslog is false or a level: errors, warnings, notifications, informational, debugging, ...' }),
      })
      .default('informational'),
    bgp: bgp.optional(),
    prefix_lists: z.record(listName('prefix list name'), prefixList).default({}),
    route_maps: z.record(listName('route map name'), z.array(routeMapEntry)).default({}),
    static_routes: z.array(staticRoute).default([]),
    wait_for: strictObject(
      {
        bgp_established: z.boolean({ invalid_type_error: 'bgp_established must be true or false' }).default(false),
        timeout: z.number({ invalid_type_error: 'timeout is seconds' }).int().min(1).max(600, 'timeout is at most 600 seconds (the default --command-timeout)').default(60),
      },
      'wait_for',
    ).optional(),
  },
  'frr',
).superRefine((p, ctx) => {
  const structured = p.bgp !== undefined || Object.keys(p.prefix_lists).length > 0 || Object.keys(p.route_maps).length > 0 || p.static_routes.length > 0;
  const given = [p.config !== undefined, p.src !== undefined, structured].filter(Boolean).length;
  if (given > 1) ctx.addIssue({ code: custom, message: 'give the configuration one way: config (text), src (a template) or structured (bgp, prefix_lists, route_maps, static_routes)' });
  if (given === 0 && p.daemons === undefined) ctx.addIssue({ code: custom, message: 'frr needs daemons, config, src or bgp' });
  if (p.wait_for?.bgp_established && given === 0) ctx.addIssue({ code: custom, path: ['wait_for'], message: 'wait_for.bgp_established needs a configuration with BGP neighbours' });
  checkReferences(p, ctx);
});

/** Route maps named by neighbours must be defined; prefix lists named by route maps too, in the right family. */
function checkReferences(p: { bgp?: z.output<typeof bgp> | undefined; route_maps: Record<string, z.output<typeof routeMapEntry>[]>; prefix_lists: Record<string, z.output<typeof prefixList>> }, ctx: z.RefinementCtx): void {
  const maps = Object.keys(p.route_maps);
  const seen = new Set<string>();
  for (const key of ['route_map_in', 'route_map_out'] as const) {
    const name = p.bgp?.neighbor_defaults?.[key];
    if (name !== undefined && !maps.includes(name)) {
      ctx.addIssue({ code: custom, path: ['bgp', 'neighbor_defaults', key], message: `route map ${name} is not defined in route_maps (defined: ${maps.join(', ') || 'none'})` });
    }
  }
  p.bgp?.neighbors.forEach((n, i) => {
    if (seen.has(n.address)) ctx.addIssue({ code: custom, path: ['bgp', 'neighbors', i, 'address'], message: `neighbor ${n.address} is listed twice` });
    seen.add(n.address);
    for (const key of ['route_map_in', 'route_map_out'] as const) {
      const name = n[key];
      if (name !== undefined && !maps.includes(name)) {
        ctx.addIssue({ code: custom, path: ['bgp', 'neighbors', i, key], message: `route map ${name} is not defined in route_maps (defined: ${maps.join(', ') || 'none'})` });
      }
    }
  });
  for (const af of ['ipv4_unicast', 'ipv6_unicast'] as const) {
    p.bgp?.address_families[af]?.neighbors?.forEach((a, i) => {
      if (!seen.has(a)) ctx.addIssue({ code: custom, path: ['bgp', 'address_families', af, 'neighbors', i], message: `neighbor ${a} is not in bgp.neighbors` });
    });
  }
  const families = new Map(Object.entries(p.prefix_lists).map(([name, list]) => [name, prefixListFamily(list)]));
  for (const [name, entries] of Object.entries(p.route_maps)) {
    entries.forEach((e, i) => {
      const pl = e.match.prefix_list;
      if (pl !== undefined && !families.has(pl)) {
        ctx.addIssue({ code: custom, path: ['route_maps', name, i, 'match', 'prefix_list'], message: `prefix list ${pl} is not defined in prefix_lists (defined: ${[...families.keys()].join(', ') || 'none'})` });
      }
    });
  }
  for (const [name, list] of Object.entries(p.prefix_lists)) {
    const entries = Array.isArray(list) ? list : list.entries;
    const family = prefixListFamily(list);
    entries.forEach((e, i) => {
      const path = ['prefix_lists', name, ...(Array.isArray(list) ? [] : ['entries']), i];
      if (typeof e.prefix !== 'string') return;
      if (e.prefix !== 'any' && familyOf(e.prefix) !== family) ctx.addIssue({ code: custom, path: [...path, 'prefix'], message: `prefix ${e.prefix} is not IPv${family} like the rest of prefix list ${name}` });
      const length = e.prefix === 'any' ? 0 : Number(e.prefix.split('/')[1]);
      const max = family === 4 ? 32 : 128;
      for (const k of ['ge', 'le'] as const) {
        const v = e[k];
        if (v !== undefined && (v <= length || v > max)) ctx.addIssue({ code: custom, path: [...path, k], message: `${k} ${v} must be longer than the prefix length ${length} and at most ${max}` });
      }
      if (e.ge !== undefined && e.le !== undefined && e.ge > e.le) ctx.addIssue({ code: custom, path: [...path, 'ge'], message: `ge ${e.ge} must not exceed le ${e.le}` });
    });
  }
}

function prefixListFamily(list: z.output<typeof prefixList>): 4 | 6 {
  const entries = Array.isArray(list) ? list : list.entries;
  if (!Array.isArray(list) && list.family !== undefined) return list.family === 'ipv6' ? 6 : 4;
  const first = entries.find((e) => typeof e.prefix === 'string' && e.prefix !== 'any');
  return first === undefined ? 4 : familyOf(first.prefix);
}

export type FrrParams = z.output<typeof frrParams>;

/** A neighbour with neighbor_defaults filled in where it says nothing itself. */
function withDefaults<N extends object>(n: N, defaults: object | undefined): N {
  const own = Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined));
  return { ...(defaults ?? {}), ...own } as N;
}

/** The schema's prefix lists, route maps, routes and BGP in the renderer's shape (sequence numbers filled in, FRR's step of 5). */
export function structuredOf(p: FrrParams): { bgp?: BgpConfig; prefix_lists: PrefixList[]; route_maps: RouteMap[]; static_routes: StaticRoute[] } {
  const prefix_lists: PrefixList[] = Object.entries(p.prefix_lists).map(([name, list]) => {
    const entries = Array.isArray(list) ? list : list.entries;
    return { name, family: prefixListFamily(list), entries: entries.map((e, i) => ({ seq: e.seq ?? (i + 1) * 5, action: e.action, prefix: e.prefix, ge: e.ge, le: e.le })) };
  });
  const route_maps: RouteMap[] = Object.entries(p.route_maps).map(([name, entries]) => ({
    name,
    entries: entries.map((e, i) => ({ seq: e.seq ?? (i + 1) * 10, action: e.action, description: e.description, match: e.match, set: e.set })),
  }));
  const static_routes: StaticRoute[] = p.static_routes.map((r) => ({ to: r.to, family: familyOf(r.to), via: r.via, dev: r.dev, blackhole: r.blackhole, distance: r.distance }));
  const out: ReturnType<typeof structuredOf> = { prefix_lists, route_maps, static_routes };
  if (p.bgp) {
    const af = (a: z.output<ReturnType<typeof addressFamily>> | undefined): AddressFamily | undefined =>
      a === undefined ? undefined : { networks: a.networks, neighbors: a.neighbors, redistribute: a.redistribute };
    out.bgp = {
      asn: p.bgp.asn,
      router_id: p.bgp.router_id,
      ebgp_requires_policy: p.bgp.ebgp_requires_policy,
      neighbors: p.bgp.neighbors.map((n) => withDefaults(n, p.bgp?.neighbor_defaults)),
      address_families: { ipv4_unicast: af(p.bgp.address_families.ipv4_unicast), ipv6_unicast: af(p.bgp.address_families.ipv6_unicast) },
    };
  }
  return out;
}
