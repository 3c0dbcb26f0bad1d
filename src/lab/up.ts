/**
 * `lab up`: make the machine hold exactly the lab the topology describes.
 * Idempotent: every step checks first and only changes what is missing or
 * wrong, and reports what it changed; nothing changed means nothing printed
 * but "up to date". Things recorded from an earlier up that the topology no
 * longer has are removed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { UserError } from '../errors/index.ts';
import { command } from '../shell/quote.ts';
import { inventoryYaml, knownHostsText } from './inventory.ts';
import { listLinks, listRoutes, mountsUnder, run, runMany, snapshotProcesses, tryRun, type HostLink, type RunResult, type HostRoute, type ProcessSnapshot } from './host.ts';
import { labFiles, type LabFilesPaths, type LabState } from './lab-state.ts';
import {
  controllerAddress,
  defaultSubnetCandidates,
  ipv4Range,
  labStateDir,
  mgmtBridge,
  mgmtHostIface,
  MGMT_IFACE,
  nodeAddress,
  nodeNetns,
  parseSubnet24,
  rangesOverlap,
  segmentBridge,
  segmentHostIface,
  type Subnet24,
} from './names.ts';
import { bootNode, deleteNetns, nodeInit, nodeShellArgv, runInNode, stopNode } from './node.ts';
import { ensureScript, LINKS_MARKER, NO_MGMT_LINK, sshdConfig, type NodeFile } from './node-script.ts';
import { withLock } from './lock.ts';
import { preflight } from './preflight.ts';
import { sshdAnswers } from './reachable.ts';
import { emptyRecord, forget, readRecord, remember, writeRecord, type LabRecord, type NodeRecord } from './state.ts';
import { loadTopology, requiredPackages, type Endpoint, type Topology, type TopologyNode } from './topology.ts';
import { TaskError } from '../modules/contract.ts';

export interface LabUpOptions {
  install?: boolean;
  log?: (line: string) => void;
}

/** Nodes started at once: each boot is a handful of short processes. */
const PARALLEL_NODES = 16;

export async function labUp(topologyFile: string, options: LabUpOptions = {}): Promise<LabState> {
  const topology = loadTopology(topologyFile);
  return labUpFromTopology(topology, options);
}

/** One `up` or `down` of a lab at a time. */
export function labUpFromTopology(topology: Topology, options: LabUpOptions = {}): Promise<LabState> {
  return withLock(`lab-${topology.name}`, () => upLocked(topology, options));
}

async function upLocked(topology: Topology, options: LabUpOptions): Promise<LabState> {
  const log = options.log ?? (() => undefined);
  await preflight(requiredPackages(topology), options);
  const lab = topology.name;
  const changes: string[] = [];
  const changed = (what: string) => {
    changes.push(what);
    log(`  ${what}`);
  };

  const bridge = mgmtBridge(lab);
  let record = readRecord(lab);
  // Choosing a free subnet and taking it (the bridge's address makes the route) happen under one
  // machine-wide lock, so two labs coming up at the same time cannot pick the same one.
  const subnet = await withLock('subnets', async () => {
    const chosen = chooseSubnet(topology, record?.subnet, await listRoutes(), bridge);
    record ??= emptyRecord(lab, topology.file, chosen.cidr);
    record.topologyFile = topology.file;
    writeRecord(record);
    await ensureHostBridge(record, bridge, `${controllerAddress(chosen)}/24`, undefined, (await listLinks()).find((l) => l.ifname === bridge), changed);
    return chosen;
  });
  if (!record) throw new Error('unreachable: the record is made above');
  const rec: LabRecord = record;

  const files = labFiles(lab);
  const stateDir = labStateDir(lab);
  for (const dir of [stateDir, `${stateDir}/hostkeys`, `${stateDir}/logs`, files.nodesDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (await ensureKey(files.keyFile, `zonectl-lab-${lab}`)) changed(`generated the lab key ${files.keyFile}`);

  // Overlay upper/work dirs may not live on the filesystem they overlay (/): a tmpfs per lab holds them.
  if (!mountsUnder(files.nodesDir).includes(files.nodesDir)) {
    remember(rec, 'mounts', files.nodesDir);
    await run(['mount', '-t', 'tmpfs', '-o', 'mode=700', `zonectl-lab-${lab}`, files.nodesDir]);
    changed(`mounted a tmpfs for node overlays on ${files.nodesDir}`);
  }

  const nodeRecords = assignNodes(rec, topology, subnet);
  await removeStale(rec, topology, changed);

  let hostLinks = await listLinks();
  const hostLink = (name: string) => hostLinks.find((l) => l.ifname === name);
  for (const [i, segment] of topology.segments.entries()) {
    const name = segmentBridge(lab, i);
    await ensureHostBridge(rec, name, undefined, segment.mtu, hostLink(name), changed);
  }
  hostLinks = await listLinks();

  // Nodes: host keys, then the controller's side, then init and the ensure script inside each.
  await generateHostKeys(nodeRecords, files, lab, changed);
  await ensureHostSide(rec, nodeRecords, hostLinks, bridge, files.nodesDir, changed);
  const nodeByName = new Map(topology.nodes.map((n) => [n.name, n]));
  const linksOf = await ensureNodesInside(rec, topology, nodeRecords, nodeByName, files, changed);

  // Links and segment members, in parallel, from the node links each ensure script reported.
  await ensureLinks(rec, topology, linksOf, files.nodesDir, changed);
  await ensureSegments(rec, topology, linksOf, files.nodesDir, changed);

  // Inventory and known_hosts: rewritten only when their text changes.
  const knownHosts = knownHostsText(
    nodeRecords.map((nr) => ({ address: nr.address, publicKey: readFileSync(`${files.hostKeysDir}/${nr.name}_ed25519.pub`, 'utf8') })),
  );
  if (writeIfChanged(files.knownHostsFile, knownHosts)) changed(`wrote ${files.knownHostsFile}`);
  const inventory = inventoryYaml(
    lab,
    nodeRecords.map((nr) => ({ name: nr.name, address: nr.address, groups: nr.groups, vars: nodeByName.get(nr.name)?.vars ?? {} })),
    files,
  );
  if (writeIfChanged(files.inventoryFile, inventory)) changed(`wrote ${files.inventoryFile}`);

  await waitForSshd(nodeRecords);
  log(changes.length === 0 ? `lab ${lab} is up to date: nothing changed` : `lab ${lab} is up: ${changes.length} change${changes.length === 1 ? '' : 's'}`);
  log(`inventory: ${files.inventoryFile}`);
  return {
    name: lab,
    stateDir,
    inventoryFile: files.inventoryFile,
    knownHostsFile: files.knownHostsFile,
    keyFile: files.keyFile,
    nodes: nodeRecords.map((nr) => ({ name: nr.name, address: nr.address, groups: nr.groups, netns: nr.netns })),
    changes,
  };
}

/** The route on this machine a subnet overlaps (other than the lab's own bridge's), if any. */
function clash(cidr: string, routes: HostRoute[], ownBridge: string): HostRoute | undefined {
  const ours = ipv4Range(cidr) as [number, number];
  return routes.find((route) => {
    if (route.dev === ownBridge || route.dst === 'default') return false;
    const range = ipv4Range(route.dst);
    return range !== undefined && rangesOverlap(ours, range);
  });
}

/**
 * The topology's subnet, else the one the lab already has, else the first free default
 * candidate. A subnet that overlaps a route on this machine is refused.
 */
export function chooseSubnet(topology: Topology, recorded: string | undefined, routes: HostRoute[], ownBridge: string): Subnet24 {
  const given = topology.subnet?.cidr;
  if (given && recorded && given !== recorded) {
    throw new UserError(`lab ${topology.name} is up with management subnet ${recorded}, the topology asks for ${given}`, topology.subnetLocation, `run \`zonectl lab down ${topology.name}\` first to change it`);
  }
  const wanted = given ?? recorded;
  if (wanted) {
    const route = clash(wanted, routes, ownBridge);
    if (route) {
      throw new UserError(
        `management subnet ${wanted} overlaps the route to ${route.dst}${route.dev ? ` on ${route.dev}` : ''} on this machine`,
        topology.subnetLocation,
        'choose another: mgmt: {subnet: a.b.c.0/24}',
      );
    }
    return parseSubnet24(wanted) as Subnet24;
  }
  const free = defaultSubnetCandidates(topology.name).find((c) => !clash(c, routes, ownBridge));
  if (!free) throw new UserError('no free /24 left in 10.213.0.0/16 for the management network', topology.subnetLocation, 'set one: mgmt: {subnet: a.b.c.0/24}');
  return parseSubnet24(free) as Subnet24;
}


/** Nodes keep their index (so address and interface names) across ups; new nodes take free indexes. */
function assignNodes(record: LabRecord, topology: Topology, subnet: Subnet24): NodeRecord[] {
  const taken = new Set(record.nodes.filter((n) => topology.nodes.some((t) => t.name === n.name)).map((n) => n.index));
  const result: NodeRecord[] = [];
  for (const node of topology.nodes) {
    const old = record.nodes.find((n) => n.name === node.name);
    let index = old?.index;
    if (index === undefined) {
      index = 0;
      while (taken.has(index)) index++;
      taken.add(index);
    }
    result.push({
      name: node.name,
      index,
      netns: nodeNetns(topology.name, node.name),
      address: nodeAddress(subnet, index),
      groups: node.groups,
      mgmtHostIface: mgmtHostIface(topology.name, index),
    });
  }
  // Removed nodes stay in the record until removeStale has taken them down.
  record.nodes = [...result, ...record.nodes.filter((n) => !topology.nodes.some((t) => t.name === n.name))];
  writeRecord(record);
  return result;
}

async function removeStale(record: LabRecord, topology: Topology, changed: (what: string) => void): Promise<void> {
  const wanted = new Set(topology.nodes.map((n) => n.name));
  for (const old of record.nodes.filter((n) => !wanted.has(n.name))) {
    await stopNode(old.netns);
    await deleteNetns(old.netns);
    forget(record, 'netns', old.netns);
    await deleteHostLink(record, old.mgmtHostIface);
    record.nodes = record.nodes.filter((n) => n !== old);
    writeRecord(record);
    changed(`removed node ${old.name}`);
  }
  const linkKey = (a: string, b: string) => [a, b].sort().join(' ');
  const wantedLinks = new Set(topology.links.map((l) => linkKey(ep(l.a), ep(l.b))));
  for (const old of [...record.links]) {
    if (wantedLinks.has(linkKey(old.a, old.b))) continue;
    const [node, iface] = old.a.split(':') as [string, string];
    await tryRun(['ip', '-n', nodeNetns(topology.name, node), 'link', 'delete', iface]);
    record.links = record.links.filter((l) => l !== old);
    writeRecord(record);
    changed(`removed link ${old.a} - ${old.b}`);
  }
  const wantedSegments = topology.segments.map((s, i) => ({ bridge: segmentBridge(topology.name, i), members: s.endpoints.map((e, j) => `${segmentHostIface(topology.name, i, j)}=${ep(e)}`) }));
  for (const old of [...record.segments]) {
    const now = wantedSegments.find((s) => s.bridge === old.bridge);
    for (const m of [...old.members]) {
      if (now?.members.includes(`${m.hostIface}=${m.endpoint}`)) continue;
      await deleteHostLink(record, m.hostIface);
      old.members = old.members.filter((x) => x !== m);
      writeRecord(record);
      changed(`removed ${m.endpoint} from segment ${old.name}`);
    }
    if (!now) {
      await deleteHostLink(record, old.bridge);
      record.segments = record.segments.filter((s) => s !== old);
      writeRecord(record);
      changed(`removed segment ${old.name}`);
    }
  }
}

async function deleteHostLink(record: LabRecord, ifname: string): Promise<void> {
  await tryRun(['ip', 'link', 'delete', ifname]);
  forget(record, 'hostLinks', ifname);
}

async function ensureHostBridge(
  record: LabRecord,
  name: string,
  address: string | undefined,
  mtu: number | undefined,
  existing: HostLink | undefined,
  changed: (what: string) => void,
): Promise<void> {
  if (!existing) {
    remember(record, 'hostLinks', name);
    await run(['ip', 'link', 'add', name, 'type', 'bridge']);
    changed(`created bridge ${name}`);
  }
  if (mtu !== undefined && existing?.mtu !== mtu) {
    await run(['ip', 'link', 'set', name, 'mtu', String(mtu)]);
    if (existing) changed(`set mtu ${mtu} on ${name}`);
  }
  if (address) {
    const addrs = await run(['ip', '-4', '-o', 'addr', 'show', 'dev', name]);
    if (!addrs.stdout.includes(` ${address} `)) {
      await run(['ip', 'addr', 'add', address, 'dev', name]);
      changed(`address ${address} on ${name}`);
    }
  }
  if (!existing?.flags?.includes('UP')) {
    await run(['ip', 'link', 'set', name, 'up']);
    if (existing) changed(`set ${name} up`);
  }
}

/** Every node's SSH host key, kept across ups; new ones made all at once. */
async function generateHostKeys(nodes: NodeRecord[], files: LabFilesPaths, lab: string, changed: (what: string) => void): Promise<void> {
  const hostKey = (nr: NodeRecord) => `${files.hostKeysDir}/${nr.name}_ed25519`;
  const missing = nodes.filter((nr) => !existsSync(hostKey(nr)) || !existsSync(`${hostKey(nr)}.pub`));
  const results = await runMany(
    missing.map((nr) => ({ argv: ['sh', '-c', 'rm -f "$1" "$1.pub" && ssh-keygen -q -t ed25519 -N "" -C "$2" -f "$1"', 'keygen', hostKey(nr), `${nr.name}@${lab}`] })),
    files.nodesDir,
  );
  results.forEach((r, i) => {
    if (r.code !== 0) throw new TaskError(`ssh-keygen for ${missing[i]?.name} failed: ${r.stderr.trim()}`);
    changed(`${missing[i]?.name}: generated its SSH host key`);
  });
}

/** The controller's side of every node: its network namespace and management link, in one batch. */
async function ensureHostSide(record: LabRecord, nodes: NodeRecord[], hostLinks: HostLink[], bridge: string, dir: string, changed: (what: string) => void): Promise<void> {
  const fixes: Fix[] = [];
  for (const nr of nodes) {
    const steps: string[][] = [];
    const what: string[] = [];
    if (!existsSync(`/run/netns/${nr.netns}`)) {
      remember(record, 'netns', nr.netns);
      steps.push(['ip', 'netns', 'add', nr.netns]);
      what.push(`created network namespace ${nr.netns}`);
    }
    const host = hostLinks.find((l) => l.ifname === nr.mgmtHostIface);
    if (!host) {
      remember(record, 'hostLinks', nr.mgmtHostIface);
      steps.push(['ip', 'link', 'add', nr.mgmtHostIface, 'type', 'veth', 'peer', 'name', MGMT_IFACE, 'netns', nr.netns]);
      what.push(`management link ${nr.mgmtHostIface} - ${MGMT_IFACE}`);
    }
    if (!host || host.master !== bridge || !host.flags?.includes('UP')) {
      steps.push(['ip', 'link', 'set', nr.mgmtHostIface, 'master', bridge, 'up']);
      if (host) what.push(`${nr.mgmtHostIface} on ${bridge}, up`);
    }
    if (steps.length > 0) fixes.push({ what: `${nr.name}: ${what.join(', ')}`, steps });
  }
  await applyFixes(fixes, dir, changed);
}

/**
 * Boots the nodes that are not running (in parallel), then runs every node's
 * ensure script at once through one controller shell. Returns each node's
 * links as the script saw them.
 */
async function ensureNodesInside(
  record: LabRecord,
  topology: Topology,
  nodes: NodeRecord[],
  nodeByName: Map<string, TopologyNode>,
  files: LabFilesPaths,
  changed: (what: string) => void,
): Promise<LinksOf> {
  const limit = pLimit(PARALLEL_NODES);
  const processes = snapshotProcesses();
  const prepared = new Map<string, PreparedNode>();
  await settleAll(
    nodes.map((nr) =>
      limit(async () => {
        prepared.set(nr.name, await prepareNode(record, topology, nr, nodeByName.get(nr.name) as TopologyNode, processes, files, nodes, changed));
      }),
    ),
  );
  const ensured = await runMany(
    nodes.map((nr) => {
      const p = prepared.get(nr.name) as PreparedNode;
      return { argv: nodeShellArgv(p.init), input: p.script };
    }),
    files.nodesDir,
  );
  const linksOf: LinksOf = new Map();
  const failures: string[] = [];
  for (const [i, nr] of nodes.entries()) {
    const p = prepared.get(nr.name) as PreparedNode;
    let result = ensured[i] as RunResult;
    if (result.code === NO_MGMT_LINK) {
      // the controller end is there but the node's is not (moved or renamed): make the pair again
      await p.makeMgmtLink();
      result = await runInNode(p.init, p.script);
    }
    const [report = '', linksJson = '[]'] = result.stdout.split(`${LINKS_MARKER}\n`);
    const done = report.split('\n').filter((l) => l.startsWith('changed: ')).map((l) => l.slice(9));
    if (done.length > 0) changed(`${nr.name}: ${summarise(done)}`);
    if (result.code !== 0) failures.push(`${nr.name}: setting up the node failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-5).join(' / ')}`);
    else linksOf.set(nr.name, JSON.parse(linksJson) as HostLink[]);
  }
  if (failures.length > 0) throw new TaskError(failures.join('; '));
  return linksOf;
}

/** One line for what a node's ensure script did; many file writes or removals become a count. */
export function summarise(done: string[]): string {
  const parts: string[] = [];
  for (const verb of ['wrote', 'removed']) {
    const files = done.filter((d) => d.startsWith(`${verb} /`));
    if (files.length > 2) parts.push(`${verb} ${files.length} files`);
  }
  const kept = done.filter((d) => !(/^(wrote|removed) \//.test(d) && parts.some((p) => p.startsWith(d.split(' ')[0] as string))));
  return [...kept, ...parts].join(', ');
}

interface PreparedNode {
  init: number;
  script: string;
  makeMgmtLink: () => Promise<void>;
}

/** The controller's side of a node: namespace, management link, running init; and the script that does the rest inside. */
async function prepareNode(
  record: LabRecord,
  topology: Topology,
  nr: NodeRecord,
  node: TopologyNode,
  processes: ProcessSnapshot,
  files: LabFilesPaths,
  all: NodeRecord[],
  changed: (what: string) => void,
): Promise<PreparedNode> {
  const bridge = mgmtBridge(topology.name);
  const makeMgmtLink = async () => {
    // A veth lives and dies as a pair: replace both ends.
    await tryRun(['ip', 'link', 'delete', nr.mgmtHostIface]);
    await tryRun(['ip', '-n', nr.netns, 'link', 'delete', MGMT_IFACE]);
    remember(record, 'hostLinks', nr.mgmtHostIface);
    await run(['ip', 'link', 'add', nr.mgmtHostIface, 'type', 'veth', 'peer', 'name', MGMT_IFACE, 'netns', nr.netns]);
    await run(['ip', 'link', 'set', nr.mgmtHostIface, 'master', bridge, 'up']);
    changed(`${nr.name}: management link ${nr.mgmtHostIface} - ${MGMT_IFACE}`);
  };
  const hostKey = `${files.hostKeysDir}/${nr.name}_ed25519`;
  let init = nodeInit(nr.netns, processes);
  if (init === undefined) {
    const dir = `${files.nodesDir}/${nr.name}`;
    init = await bootNode(nr.netns, { root: `${dir}/root`, upper: `${dir}/upper`, work: `${dir}/work`, home: `${dir}/home-root`, hostname: nr.name }, `${files.logsDir}/${nr.name}.boot.log`);
    changed(`${nr.name}: booted (init pid ${init})`);
  }

  const hosts = [
    '127.0.0.1 localhost',
    `127.0.1.1 ${nr.name}`,
    '::1 localhost ip6-localhost ip6-loopback',
    ...all.map((n) => `${n.address} ${n.name}`),
    '',
  ].join('\n');
  const managed: NodeFile[] = [
      { path: '/etc/ssh/ssh_host_ed25519_key', mode: '600', content: readFileSync(hostKey, 'utf8') },
      { path: '/etc/ssh/ssh_host_ed25519_key.pub', mode: '644', content: readFileSync(`${hostKey}.pub`, 'utf8') },
      { path: '/etc/ssh/sshd_config', mode: '644', content: sshdConfig(nr.address) },
      { path: '/root/.ssh/authorized_keys', mode: '600', content: readFileSync(`${files.keyFile}.pub`, 'utf8') },
      { path: '/etc/hostname', mode: '644', content: `${nr.name}\n` },
      { path: '/etc/hosts', mode: '644', content: hosts },
      ...(node.services.some((s) => s.name === 'openvswitch')
        ? [{ path: '/etc/default/openvswitch-switch', mode: '644', content: "# Written by zonectl lab: many nodes share this machine's memory.\nOVS_CTL_OPTS='--no-mlockall'\n" }]
        : []),
  ];
  // Files already right are left out of the script (read through the init's root; the script compares again).
  const inNode = (path: string) => `/proc/${init}/root${path}`;
  const script = ensureScript({
    address: nr.address,
    prefixLength: 24,
    absent: ['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_rsa_key.pub', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ecdsa_key.pub'].filter((f) => existsSync(inNode(f))),
    files: managed.filter((f) => !fileMatches(inNode(f.path), f)),
    services: node.services,
  });
  return { init, script, makeMgmtLink };
}

function fileMatches(path: string, file: NodeFile): boolean {
  try {
    return (statSync(path).mode & 0o777).toString(8) === file.mode && readFileSync(path, 'utf8') === file.content;
  } catch {
    return false;
  }
}

function ep(e: Endpoint): string {
  return `${e.node}:${e.iface}`;
}

type LinksOf = Map<string, HostLink[]>;

/** A change to make with the steps that make it. */
interface Fix {
  what: string;
  steps: string[][];
}

async function applyFixes(fixes: Fix[], dir: string, changed: (what: string) => void): Promise<void> {
  const results = await runMany(fixes.map((f) => ({ argv: chain(f.steps) })), dir);
  const failures: string[] = [];
  fixes.forEach((f, i) => {
    const r = results[i] as RunResult;
    if (r.code === 0) changed(f.what);
    else failures.push(`${f.what}: ${r.stderr.trim() || `exit ${r.code}`}`);
  });
  if (failures.length > 0) throw new TaskError(`could not make ${failures.join('; ')}`);
}

function ensureLinks(record: LabRecord, topology: Topology, linksOf: LinksOf, dir: string, changed: (what: string) => void): Promise<void> {
  const fixes: Fix[] = [];
  for (const link of topology.links) {
    const a = { netns: nodeNetns(topology.name, link.a.node), iface: link.a.iface };
    const b = { netns: nodeNetns(topology.name, link.b.node), iface: link.b.iface };
    const mtu = String(link.mtu ?? 1500);
    const aLink = linksOf.get(link.a.node)?.find((l) => l.ifname === a.iface);
    const bLink = linksOf.get(link.b.node)?.find((l) => l.ifname === b.iface);
    // Both ends veths is the sign of an intact link (deleting one end of a veth deletes both).
    if (aLink?.linkinfo?.info_kind !== 'veth' || bLink?.linkinfo?.info_kind !== 'veth') {
      if (!record.links.some((l) => l.a === ep(link.a) && l.b === ep(link.b))) record.links.push({ a: ep(link.a), b: ep(link.b), mtu: link.mtu ?? null });
      fixes.push({
        what: `link ${ep(link.a)} - ${ep(link.b)}${link.mtu ? ` mtu ${link.mtu}` : ''}`,
        steps: [
          ...(aLink ? [['ip', '-n', a.netns, 'link', 'delete', a.iface]] : []),
          ...(bLink ? [['ip', '-n', b.netns, 'link', 'delete', b.iface]] : []),
          ['ip', '-n', a.netns, 'link', 'add', a.iface, 'mtu', mtu, 'type', 'veth', 'peer', 'name', b.iface, 'netns', b.netns, 'mtu', mtu],
          ['ip', '-n', a.netns, 'link', 'set', a.iface, 'up'],
          ['ip', '-n', b.netns, 'link', 'set', b.iface, 'up'],
        ],
      });
      continue;
    }
    for (const [end, l] of [[a, aLink], [b, bLink]] as const) {
      if (String(l.mtu) !== mtu || !l.flags?.includes('UP')) {
        fixes.push({ what: `${end.netns}: ${end.iface} mtu ${mtu}, up`, steps: [['ip', '-n', end.netns, 'link', 'set', end.iface, 'mtu', mtu, 'up']] });
      }
    }
  }
  // recorded before any link is made
  writeRecord(record);
  return applyFixes(fixes, dir, changed);
}

async function ensureSegments(record: LabRecord, topology: Topology, linksOf: LinksOf, dir: string, changed: (what: string) => void): Promise<void> {
  const hostLinks = await listLinks();
  const fixes: Fix[] = [];
  for (const [i, segment] of topology.segments.entries()) {
    const bridge = segmentBridge(topology.name, i);
    let rec = record.segments.find((s) => s.bridge === bridge);
    if (!rec) {
      rec = { name: segment.name, bridge, mtu: segment.mtu ?? null, members: [] };
      record.segments.push(rec);
    }
    rec.name = segment.name;
    rec.mtu = segment.mtu ?? null;
    const mtu = String(segment.mtu ?? 1500);
    for (const [j, e] of segment.endpoints.entries()) {
      const hostIface = segmentHostIface(topology.name, i, j);
      if (!rec.members.some((m) => m.hostIface === hostIface)) rec.members.push({ endpoint: ep(e), hostIface });
      if (!record.hostLinks.includes(hostIface)) record.hostLinks.push(hostIface);
      const netns = nodeNetns(topology.name, e.node);
      const host = hostLinks.find((l) => l.ifname === hostIface);
      const inNode = linksOf.get(e.node)?.find((l) => l.ifname === e.iface);
      if (!host || !inNode) {
        fixes.push({
          what: `segment ${segment.name}: ${ep(e)}`,
          steps: [
            ...(host ? [['ip', 'link', 'delete', hostIface]] : []),
            ...(inNode ? [['ip', '-n', netns, 'link', 'delete', e.iface]] : []),
            ['ip', 'link', 'add', hostIface, 'mtu', mtu, 'type', 'veth', 'peer', 'name', e.iface, 'netns', netns, 'mtu', mtu],
            ['ip', 'link', 'set', hostIface, 'master', bridge, 'up'],
            ['ip', '-n', netns, 'link', 'set', e.iface, 'up'],
          ],
        });
        continue;
      }
      if (host.master !== bridge || !host.flags?.includes('UP') || String(host.mtu) !== mtu) {
        fixes.push({ what: `segment ${segment.name}: ${hostIface} on ${bridge}`, steps: [['ip', 'link', 'set', hostIface, 'master', bridge, 'mtu', mtu, 'up']] });
      }
      if (String(inNode.mtu) !== mtu || !inNode.flags?.includes('UP')) {
        fixes.push({ what: `segment ${segment.name}: ${ep(e)} mtu ${mtu}, up`, steps: [['ip', '-n', netns, 'link', 'set', e.iface, 'mtu', mtu, 'up']] });
      }
    }
  }
  // recorded before any member is made
  writeRecord(record);
  await applyFixes(fixes, dir, changed);
}

/** Steps that run one after the other, stopping at the first failure, as one job for runMany. */
function chain(steps: string[][]): string[] {
  return ['sh', '-c', steps.map((argv) => command(...argv)).join(' && ')];
}

/** Waits for every piece of work, then throws the first failure: nothing keeps running behind a failed up. */
async function settleAll(work: Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Generates an ed25519 key pair unless the file exists; true when it made one. */
async function ensureKey(file: string, comment: string): Promise<boolean> {
  if (existsSync(file) && existsSync(`${file}.pub`)) return false;
  await tryRun(['rm', '-f', file, `${file}.pub`]);
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  return true;
}

function writeIfChanged(file: string, text: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  // rename keeps a reader from seeing half a file
  renameSync(`${file}.tmp`, file);
  return true;
}

/** sshd binds at start, but a node counts as up only when its port answers. */
async function waitForSshd(nodes: NodeRecord[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let pending = nodes;
  while (pending.length > 0) {
    const answers = await Promise.all(pending.map((n) => sshdAnswers(n.address, 3000)));
    pending = pending.filter((_, i) => !answers[i]);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new TaskError(`sshd does not answer on ${pending.map((n) => `${n.name} (${n.address})`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

