/**
 * The one read-only probe every network module runs: the live state (links,
 * addresses, routes, bridge ports, route table names), how the controller is
 * connected (SSH_CONNECTION), which persistence backend the host uses, and the
 * persisted files the task cares about. Sections are framed by `@@zonectl-net`
 * lines; file content is printed with every line prefixed by `|` so no file
 * can forge a frame.
 */
import { TaskError } from '../modules/contract.ts';
import { quote } from '../shell/quote.ts';
import { parseAddresses, parseBridgePorts, parseLinks, parseRoutes, parseRouteTables } from './parse-ip.ts';
import type { NetState } from './state.ts';

const FRAME = '@@zonectl-net';

export type DetectedBackend = 'ifupdown' | 'netplan' | 'networkmanager';

export interface NetProbeRequest {
  /** Persisted files to read (absolute paths, from the module's own file naming). */
  files?: readonly string[];
  /** Whether the kernel can make 802.1Q devices (vlan module). */
  vlanSupport?: boolean;
  /** Tools whose presence matters (`arping`, `ifup`). */
  tools?: readonly string[];
}

export interface NetProbe {
  state: NetState;
  /** rt_tables name → id. */
  tables: Map<string, string>;
  /** From SSH_CONNECTION: the controller's address and the host address it reached (null under sudo, which drops it). */
  ssh: { client: string; server: string } | null;
  backend: DetectedBackend;
  /** Does /etc/network/interfaces read /etc/network/interfaces.d? `missing` when there is no such file. */
  ifupdownSourcesDir: 'yes' | 'no' | 'missing';
  /** Path → content, null when absent. */
  files: Map<string, string | null>;
  /** loaded (or built in), loadable, or missing; null when not asked. */
  vlanSupport: 'loaded' | 'loadable' | 'missing' | null;
  tools: Set<string>;
  kernel: string;
}

/**
 * Saved plans fingerprint the probe output, so it must not change on an
 * unchanged host. iproute2 prints countdowns: a bridge's and its ports'
 * timers (`gc_timer`, `hello_timer`, `forward_delay_timer`, … with -d), the
 * remaining lifetime of an address with a finite one (DHCP, SLAAC,
 * `valid_lft 300`) and a route's `expires`. `sed` on the host sets each
 * countdown to 0: a number replaced by a number, so the JSON stays valid
 * whatever the names in it (inside a JSON string every `"` is escaped, so
 * `"key":` matches only a real key), and the keys stay. A finite lifetime
 * stays distinguishable from `forever` (4294967295), which is kept;
 * parse-ip.ts reads only that, and iproute2's `dynamic` flag says it too.
 * `ip -j` without -p prints no space after the colon.
 */
const NUMBER = '-\\{0,1\\}[0-9][0-9.]*';
const FOREVER = '4294967295';
const lifetime = (key: string): string[] => [
  // Keep forever: mark it, zero every other value, restore it (`F` is no JSON value, so nothing else matches).
  `s/"${key}":${FOREVER}/"${key}":F/g`,
  `s/"${key}":${NUMBER}/"${key}":0/g`,
  `s/"${key}":F/"${key}":${FOREVER}/g`,
];
const COUNTDOWNS = [
  `s/\\("[a-z0-9_]*_timer":\\)${NUMBER}/\\10/g`,
  `s/"expires":${NUMBER}/"expires":0/g`,
  ...lifetime('valid_life_time'),
  ...lifetime('preferred_life_time'),
];

/** An `ip -j …` command whose countdowns print as 0 (LC_ALL=C: bytes, whatever the names' encoding). */
export function withoutCountdowns(command: string): string {
  return `${command} | LC_ALL=C sed ${COUNTDOWNS.map((e) => `-e ${quote(e)}`).join(' ')}`;
}

/** The iproute2 commands of the probe, as they run on the host (the fixture recorder runs the same). */
export const IP_COMMANDS = {
  links: withoutCountdowns('ip -j -d link show'),
  addrs: withoutCountdowns('ip -j addr show'),
  routes: withoutCountdowns('ip -j route show table all'),
  bridge: 'bridge -j link show 2>/dev/null || echo "[]"',
} as const;

function section(name: string, body: string): string {
  return `printf '%s\\n' ${quote(`${FRAME} ${name}`)}\n${body}`;
}

/** Shell text (read-only) that prints everything parseNetProbe needs. */
export function netProbe(request: NetProbeRequest = {}): string {
  const parts = [
    section('links', IP_COMMANDS.links),
    section('addrs', IP_COMMANDS.addrs),
    section('routes', IP_COMMANDS.routes),
    section('bridge', IP_COMMANDS.bridge),
    section('tables', 'cat /etc/iproute2/rt_tables /etc/iproute2/rt_tables.d/*.conf /usr/share/iproute2/rt_tables 2>/dev/null || true'),
    // SSH_CONNECTION is `client port server port`; the client's port is new on every connection, so only the addresses.
    section('ssh', '( set -f; set -- ${SSH_CONNECTION:-}; if [ $# -ge 4 ]; then printf \'%s %s\\n\' "$1" "$3"; else echo; fi )'),
    section('kernel', 'uname -r'),
    section(
      'backend',
      [
        'if [ -d /etc/netplan ] && command -v netplan >/dev/null 2>&1; then echo netplan',
        'elif command -v nmcli >/dev/null 2>&1 && [ "$(nmcli -t -f RUNNING general 2>/dev/null)" = running ]; then echo networkmanager',
        'else echo ifupdown; fi',
      ].join('\n'),
    ),
    section(
      'ifupdown-source',
      [
        'if [ ! -f /etc/network/interfaces ]; then echo missing',
        "elif grep -Eq '^[[:space:]]*(source|source-directory)[[:space:]]+/etc/network/interfaces\\.d' /etc/network/interfaces; then echo yes",
        'else echo no; fi',
      ].join('\n'),
    ),
  ];
  for (const tool of request.tools ?? []) {
    parts.push(section(`tool ${tool}`, `if command -v ${quote(tool)} >/dev/null 2>&1; then echo yes; else echo no; fi`));
  }
  if (request.vlanSupport) {
    // /proc/net/vlan exists once 8021q is loaded or built in; `modprobe -n` only looks.
    parts.push(
      section(
        'vlan-support',
        'if [ -e /proc/net/vlan/config ]; then echo loaded; elif modprobe -n -q 8021q 2>/dev/null; then echo loadable; else echo missing; fi',
      ),
    );
  }
  for (const path of request.files ?? []) {
    const p = quote(path);
    parts.push(section(`file ${path}`, `if [ -f ${p} ]; then echo present; sed 's/^/|/' ${p}; echo; else echo absent; fi`));
  }
  return parts.join('\n');
}

function splitSections(stdout: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${FRAME} `)) {
      current = [];
      sections.set(line.slice(FRAME.length + 1), current);
    } else if (current) {
      current.push(line);
    }
  }
  return sections;
}

function fileContent(lines: string[]): string | null {
  if (lines[0] !== 'present') return null;
  const body = lines.slice(1);
  // The probe's `echo` adds one line: empty when the file ended with a newline.
  let last = body.length - 1;
  while (last >= 0 && body[last] === '') last--;
  const content = body.slice(0, last + 1).filter((l) => l.startsWith('|')).map((l) => l.slice(1));
  const endsWithNewline = body.length - 1 > last;
  return content.length === 0 ? '' : content.join('\n') + (endsWithNewline ? '\n' : '');
}

export function parseNetProbe(stdout: string, request: NetProbeRequest = {}): NetProbe {
  const sections = splitSections(stdout);
  const text = (name: string): string => {
    const lines = sections.get(name);
    if (lines === undefined) throw new TaskError(`the network probe printed no ${name} section (is iproute2 installed?)`);
    return lines.join('\n');
  };
  const tables = parseRouteTables(text('tables'));
  const links = parseLinks(text('links'));
  if (links.length === 0) throw new TaskError('`ip -j -d link show` printed no interfaces (is iproute2 installed and new enough for -j?)');
  const sshWords = text('ssh').trim().split(/\s+/);
  const backend = text('backend').trim();
  const source = text('ifupdown-source').trim();
  const files = new Map<string, string | null>();
  for (const path of request.files ?? []) files.set(path, fileContent(sections.get(`file ${path}`) ?? []));
  const tools = new Set<string>();
  for (const tool of request.tools ?? []) if (text(`tool ${tool}`).trim() === 'yes') tools.add(tool);
  const vlan = request.vlanSupport ? text('vlan-support').trim() : null;
  return {
    state: {
      links,
      addresses: parseAddresses(text('addrs')),
      routes: parseRoutes(text('routes'), tables),
      bridgePorts: parseBridgePorts(text('bridge')),
    },
    tables,
    ssh: sshWords.length >= 2 ? { client: sshWords[0] as string, server: sshWords[1] as string } : null,
    backend: backend === 'netplan' || backend === 'networkmanager' ? backend : 'ifupdown',
    ifupdownSourcesDir: source === 'yes' || source === 'no' ? source : 'missing',
    files,
    vlanSupport: vlan === 'loaded' || vlan === 'loadable' || vlan === 'missing' ? vlan : null,
    tools,
    kernel: text('kernel').trim(),
  };
}
