/**
 * The topology file: what a lab is made of. Loaded and validated here, before
 * anything on the machine is touched; every error carries `file:line:col`.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ErrorCollector, type SourceLocation } from '../errors/index.ts';
import {
  IFACE_NAME,
  IFACE_NAME_RULE,
  LAB_NAME,
  LAB_NAME_RULE,
  MAX_NODES,
  MGMT_IFACE,
  NODE_NAME,
  NODE_NAME_RULE,
  parseSubnet24,
  segmentHostIface,
  type Subnet24,
} from './names.ts';
import { loadYamlFile, parseYaml, type YamlDocument, type YamlPath } from '../yaml/index.ts';

export type ServiceName = 'openvswitch' | 'frr' | 'nftables';
export interface ServiceSpec {
  name: ServiceName;
  /** frr only: daemons to enable besides zebra, staticd and watchfrr. */
  daemons: string[];
}

export interface TopologyNode {
  name: string;
  kind: string | undefined;
  /** Inventory groups: the kind first, then `groups`, without repeats. */
  groups: string[];
  services: ServiceSpec[];
  vars: Record<string, unknown>;
}

export interface Endpoint {
  node: string;
  iface: string;
}

export interface TopologyLink {
  a: Endpoint;
  b: Endpoint;
  mtu: number | undefined;
}

export interface TopologySegment {
  name: string;
  mtu: number | undefined;
  endpoints: Endpoint[];
}

export interface Topology {
  /** Absolute path of the topology file ('' when parsed from text). */
  file: string;
  name: string;
  /** The management subnet written in the file; when absent, `lab up` picks a free one (see chooseSubnet). */
  subnet: Subnet24 | undefined;
  /** Where the subnet is written, or the name it is derived from (for errors found later). */
  subnetLocation: SourceLocation;
  nodes: TopologyNode[];
  links: TopologyLink[];
  segments: TopologySegment[];
}

export const FRR_DAEMONS = ['bgpd', 'ospfd', 'ospf6d', 'ripd', 'ripngd', 'isisd', 'pimd', 'pim6d', 'ldpd', 'nhrpd', 'eigrpd', 'babeld', 'sharpd', 'pbrd', 'bfdd', 'fabricd', 'vrrpd', 'pathd'] as const;

/** Inventory variables the lab writes itself; a topology cannot set them. */
export const GENERATED_VARS = ['address', 'port', 'user', 'identity_file', 'known_hosts', 'ansible_host', 'ansible_user', 'ansible_port', 'ansible_ssh_private_key_file', 'ansible_ssh_common_args'];

const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SEGMENT_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Objects refuse unknown keys, naming the allowed ones. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z
    .object(shape)
    .passthrough()
    .superRefine((value, ctx) => {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: `unknown key '${key}' (allowed: ${allowed.join(', ')})`, params: { atKey: true } });
      }
    });
}

const mtu = z.number({ message: 'mtu must be a number' }).int('mtu must be a whole number').min(68, 'mtu must be at least 68').max(65535, 'mtu must be at most 65535');
const endpoint = z.string({ message: 'an endpoint is a string NODE:INTERFACE' });
const groupName = z.string().regex(GROUP_NAME, 'a group name is letters, digits and _, not starting with a digit');

const frrService = strict({
  daemons: z.array(z.enum(FRR_DAEMONS, { message: `unknown FRR daemon (allowed: ${FRR_DAEMONS.join(', ')})` })).default([]),
});
const service = z.union(
  [
    z.enum(['openvswitch', 'frr', 'nftables'], { message: 'unknown service (allowed: openvswitch, frr, nftables)' }),
    strict({ frr: frrService.nullable() }),
    strict({ openvswitch: z.null() }),
    strict({ nftables: z.null() }),
  ],
  { message: 'a service is openvswitch, frr, nftables or {frr: {daemons: [bgpd, ...]}}' },
);

const node = strict({
  kind: groupName.optional(),
  groups: z.array(groupName).default([]),
  services: z.array(service).default([]),
  vars: z.record(z.unknown()).default({}),
});

const link = z.union([z.array(endpoint), strict({ endpoints: z.array(endpoint), mtu: mtu.optional() })], {
  message: 'a link is [NODE:IF, NODE:IF] or {endpoints: [NODE:IF, NODE:IF], mtu: N}',
});

const topologySchema = strict({
  name: z.string({ message: 'name is required: the lab name' }).regex(LAB_NAME, `bad lab name (${LAB_NAME_RULE})`),
  mgmt: strict({ subnet: z.string({ message: 'subnet is a string a.b.c.0/24' }).optional() }).optional(),
  nodes: z.record(node.nullable(), { message: 'nodes is a mapping of node name to settings' }),
  links: z.array(link).default([]),
  segments: z.array(strict({ name: z.string().regex(SEGMENT_NAME, 'a segment name is 1-32 characters a-z, 0-9, _ and -'), mtu: mtu.optional(), endpoints: z.array(endpoint) })).default([]),
});

type RawTopology = z.infer<typeof topologySchema>;

const UNION_HINTS: [string, string][] = [
  ['services', 'a service is openvswitch, frr, nftables or {frr: {daemons: [bgpd, ...]}}'],
  ['links', 'a link is [NODE:IF, NODE:IF] or {endpoints: [NODE:IF, NODE:IF], mtu: N}'],
];

/** For "no union branch matched", the branch that got furthest says best what is wrong. */
function deepestUnionIssue(issue: z.ZodIssue): z.ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const candidates = issue.unionErrors.flatMap((e) => e.issues).map(deepestUnionIssue);
  const depth = Math.max(...candidates.map((c) => c.path.length));
  const deepest = candidates.filter((c) => c.path.length === depth && depth > issue.path.length + 1);
  if (deepest.length > 0) return deepest[0] as z.ZodIssue;
  const hint = UNION_HINTS.find(([key]) => issue.path.includes(key));
  return hint ? { ...issue, message: `${hint[1]}` } : issue;
}

function dotted(path: YamlPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('') || 'topology';
}

export function loadTopology(file: string): Topology {
  return validateTopology(loadYamlFile(file), resolve(file));
}

export function parseTopology(text: string, file = 'topology.yml'): Topology {
  return validateTopology(parseYaml(text, file), file);
}

function validateTopology(doc: YamlDocument, file: string): Topology {
  const errors = new ErrorCollector();
  const at = (path: YamlPath, key = false) => (key ? doc.locateKey(path) : doc.locate(path));
  if (!doc.value || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
    errors.add('a topology is a mapping with name, nodes, links, segments', at([]));
    errors.throwIfAny();
  }
  const parsed = topologySchema.safeParse(doc.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.map(deepestUnionIssue)) {
      const atKey = issue.code === 'custom' && (issue.params as { atKey?: boolean } | undefined)?.atKey === true;
      // Zod's own messages do not say which key: name it.
      const named = atKey || issue.message.includes(' ') && /^[a-z]+ /.test(issue.message) && issue.code !== 'invalid_type' ? issue.message : `${dotted(issue.path)}: ${issue.message}`;
      errors.add(named, at(issue.path, atKey));
    }
    errors.throwIfAny();
  }
  const raw = parsed.data as RawTopology;

  let subnet: Subnet24 | undefined;
  if (raw.mgmt?.subnet !== undefined) {
    const given = parseSubnet24(raw.mgmt.subnet);
    if (given) subnet = given;
    else errors.add(`bad management subnet '${raw.mgmt.subnet}' (a /24 written a.b.c.0/24)`, at(['mgmt', 'subnet']));
  }

  const nodes: TopologyNode[] = [];
  for (const [name, settings] of Object.entries(raw.nodes)) {
    if (!NODE_NAME.test(name)) errors.add(`bad node name '${name}' (${NODE_NAME_RULE})`, at(['nodes', name], true));
    const s = settings ?? { groups: [], services: [], vars: {} };
    for (const key of Object.keys(s.vars)) {
      if (GENERATED_VARS.includes(key)) errors.add(`vars cannot set '${key}': the lab writes it (lab-generated: ${GENERATED_VARS.join(', ')})`, at(['nodes', name, 'vars', key], true));
    }
    const services: ServiceSpec[] = [];
    s.services.forEach((entry, i) => {
      const spec: ServiceSpec =
        typeof entry === 'string'
          ? { name: entry, daemons: [] }
          : 'frr' in entry
            ? { name: 'frr', daemons: [...new Set((entry.frr as { daemons?: string[] } | null)?.daemons ?? [])] }
            : { name: 'openvswitch' in entry ? 'openvswitch' : 'nftables', daemons: [] };
      if (services.some((x) => x.name === spec.name)) errors.add(`service ${spec.name} is listed twice`, at(['nodes', name, 'services', i]));
      else services.push(spec);
    });
    nodes.push({ name, kind: s.kind, groups: [...new Set([...(s.kind ? [s.kind] : []), ...s.groups])], services, vars: s.vars });
  }
  if (nodes.length === 0) errors.add('a lab needs at least one node', at(['nodes']));
  if (nodes.length > MAX_NODES) errors.add(`too many nodes: ${nodes.length} (at most ${MAX_NODES} in one /24)`, at(['nodes']));

  // Every node interface is used once: by one link or one segment, never mgmt0 or lo.
  const used = new Map<string, string>();
  const endpointAt = (text: string, path: YamlPath): Endpoint | undefined => {
    const m = /^([^:]+):(.+)$/.exec(text);
    if (!m) {
      errors.add(`bad endpoint '${text}' (NODE:INTERFACE, e.g. kvm01:eth1)`, at(path));
      return undefined;
    }
    const ep = { node: m[1] as string, iface: m[2] as string };
    if (!nodes.some((n) => n.name === ep.node)) {
      errors.add(`unknown node '${ep.node}' in endpoint '${text}' (nodes: ${nodes.map((n) => n.name).join(', ')})`, at(path));
      return undefined;
    }
    if (!IFACE_NAME.test(ep.iface)) {
      errors.add(`bad interface name '${ep.iface}' in '${text}' (${IFACE_NAME_RULE})`, at(path));
      return undefined;
    }
    if ([MGMT_IFACE, 'lo', 'all', 'default'].includes(ep.iface)) {
      errors.add(`interface name '${ep.iface}' is reserved (${MGMT_IFACE} is the management link, lo the loopback; the kernel refuses all and default)`, at(path));
      return undefined;
    }
    const key = `${ep.node}:${ep.iface}`;
    const first = used.get(key);
    if (first) {
      errors.add(`endpoint '${key}' is used twice (first at ${first})`, at(path));
      return undefined;
    }
    const loc = at(path);
    used.set(key, `${loc.line}:${loc.col}`);
    return ep;
  };

  const links: TopologyLink[] = [];
  raw.links.forEach((entry, i) => {
    const list = Array.isArray(entry) ? entry : entry.endpoints;
    const base: YamlPath = Array.isArray(entry) ? ['links', i] : ['links', i, 'endpoints'];
    if (list.length !== 2) {
      errors.add(`a link joins exactly 2 endpoints, not ${list.length}`, at(base));
      return;
    }
    const a = endpointAt(list[0] as string, [...base, 0]);
    const b = endpointAt(list[1] as string, [...base, 1]);
    if (a && b && a.node === b.node) errors.add(`a link joins two different nodes, not ${a.node} with itself`, at(base));
    else if (a && b) links.push({ a, b, mtu: Array.isArray(entry) ? undefined : entry.mtu });
  });

  const segments: TopologySegment[] = [];
  const segmentNames = new Set<string>();
  raw.segments.forEach((entry, i) => {
    if (segmentNames.has(entry.name)) errors.add(`segment '${entry.name}' is defined twice`, at(['segments', i, 'name']));
    segmentNames.add(entry.name);
    if (entry.endpoints.length < 2) errors.add(`a segment joins at least 2 endpoints, not ${entry.endpoints.length}`, at(['segments', i, 'endpoints']));
    const endpoints = entry.endpoints.map((text, j) => endpointAt(text, ['segments', i, 'endpoints', j])).filter((e): e is Endpoint => e !== undefined);
    // The controller side of each member is named z<lab>-s<i>e<j>: it must fit in 15 characters.
    const longest = segmentHostIface(raw.name, i, Math.max(0, entry.endpoints.length - 1));
    if (longest.length > 15) errors.add(`segment ${entry.name} needs controller interface names like ${longest}, longer than 15 characters (use a shorter lab name, fewer segments or fewer members)`, at(['segments', i]));
    segments.push({ name: entry.name, mtu: entry.mtu, endpoints });
  });

  errors.throwIfAny();
  return { file, name: raw.name, subnet, subnetLocation: raw.mgmt?.subnet !== undefined ? at(['mgmt', 'subnet']) : at(['name']), nodes, links, segments };
}

/** The Debian packages a topology needs on the controller (nodes share its /usr). */
export function requiredPackages(topology: Topology): string[] {
  const packages = new Set(['openssh-server', 'openssh-client', 'iproute2', 'util-linux']);
  for (const node of topology.nodes) {
    for (const s of node.services) packages.add(s.name === 'openvswitch' ? 'openvswitch-switch' : s.name);
  }
  return [...packages];
}
