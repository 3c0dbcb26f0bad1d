/**
 * Builds the output the network probe prints from recorded fixtures, and
 * parses it with the real parser: module diff tests start from real data.
 */
import { readFileSync } from 'node:fs';
import { parseNetProbe } from '../../src/netconfig/probe.ts';
import type { NetProbe, NetProbeRequest } from '../../src/netconfig/probe.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/netconfig/${name}`, import.meta.url), 'utf8');

export interface FixtureHost {
  links?: string;
  /** SSH_CONNECTION as sshd sets it: `client port server port`. */
  ssh?: string;
  backend?: string;
  ifupdownSource?: 'yes' | 'no' | 'missing';
  files?: Record<string, string | null>;
  vlanSupport?: 'loaded' | 'loadable' | 'missing';
  tools?: string[];
}

export function fixtureProbe(host: FixtureHost = {}, request: NetProbeRequest = {}): NetProbe {
  const frame = (name: string, body: string) => `@@zonectl-net ${name}\n${body.endsWith('\n') ? body : `${body}\n`}`;
  let out =
    frame('links', fixture(host.links ?? 'lab-link.json')) +
    frame('addrs', fixture('lab-addr.json')) +
    frame('routes', fixture('lab-route.json')) +
    frame('bridge', fixture('lab-bridge.json')) +
    frame('tables', '255\tlocal\n254\tmain\n253\tdefault\n') +
    // The probe prints SSH_CONNECTION's two addresses (client, server), not its ports.
    frame('ssh', (host.ssh ?? '').split(/\s+/).filter((_, i) => i === 0 || i === 2).join(' ')) +
    frame('kernel', '6.18.44-fc-v595') +
    frame('backend', host.backend ?? 'ifupdown') +
    frame('ifupdown-source', host.ifupdownSource ?? 'yes');
  for (const tool of request.tools ?? []) out += frame(`tool ${tool}`, (host.tools ?? []).includes(tool) ? 'yes' : 'no');
  if (request.vlanSupport) out += frame('vlan-support', host.vlanSupport ?? 'loaded');
  for (const path of request.files ?? []) {
    const content = host.files?.[path] ?? null;
    if (content === null) out += frame(`file ${path}`, 'absent');
    else out += `@@zonectl-net file ${path}\npresent\n${content.replace(/\n$/, '').split('\n').map((l) => `|${l}`).join('\n')}\n${content.endsWith('\n') ? '\n' : ''}`;
  }
  return parseNetProbe(out, request);
}
