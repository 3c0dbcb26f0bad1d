/**
 * The cloudbr0 step for real: the uplink that carries the management address
 * is enslaved to a new bridge and its address and routes move onto the
 * bridge in one detached sequence, while a TCP connection from a "controller"
 * namespace to that address stays open and keeps working.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressModule } from '../../src/modules/address/index.ts';
import { bridgeModule } from '../../src/modules/bridge/index.ts';
import { routeModule } from '../../src/modules/route/index.ts';
import { NetnsHost, runContext, runTask, skipNetns } from '../netconfig/netns-host.ts';

const skip = skipNetns() || spawnSync('sh', ['-c', 'command -v python3']).status !== 0;
const host = new NetnsHost('zc-h7-mv');
const controller = new NetnsHost('zc-h7-mvc');
const children: ChildProcessWithoutNullStreams[] = [];

const SERVER = `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.88.0.2", 7777)); s.listen(1); print("listening", flush=True)
c, _ = s.accept()
while True:
    d = c.recv(100)
    if not d: break
    c.sendall(d)
`;
const CLIENT = `
import socket, sys
c = socket.create_connection(("10.88.0.2", 7777), timeout=20)
c.sendall(b"one"); print("got:" + c.recv(100).decode(), flush=True)
sys.stdin.readline()
c.sendall(b"two"); print("got:" + c.recv(100).decode(), flush=True)
`;

/** A child whose stdout is read line by line, however the bytes arrive. */
interface Child {
  process: ChildProcessWithoutNullStreams;
  nextLine(): Promise<string>;
}

function start(ns: NetnsHost, code: string): Child {
  const child = spawn('nsenter', ['-t', String(ns.nsPid), '-n', '-m', 'python3', '-c', code]);
  children.push(child);
  const lines: string[] = [];
  let partial = '';
  let waiter: (() => void) | undefined;
  child.stdout.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim() !== ''));
    waiter?.();
  });
  return {
    process: child,
    nextLine: () =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.shift();
          if (line !== undefined) resolve(line.trim());
          else if (child.exitCode !== null) reject(new Error(`exited ${child.exitCode}`));
          else waiter = check;
        };
        child.once('exit', () => waiter?.());
        check();
      }),
  };
}

describe.skipIf(skip)('moving the management address onto a new bridge', () => {
  beforeAll(async () => {
    await host.start();
    await controller.start();
    host.must(`ip link add h7m0 type veth peer name h7m0p netns ${controller.nsPid}`);
    host.must('ip link set h7m0 up && ip addr add 10.88.0.2/24 dev h7m0 && ip route add default via 10.88.0.1 dev h7m0 && ip route add 10.89.0.0/16 via 10.88.0.1 table 100');
    controller.must('ip link set h7m0p up && ip addr add 10.88.0.1/24 dev h7m0p');
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill();
    await host.close();
    await controller.close();
  });

  it('keeps the controller\'s TCP connection while eth0-style uplink, address and routes move', async () => {
    const ctx = runContext({ managementAddress: '10.88.0.2' });
    const server = start(host, SERVER);
    expect(await server.nextLine()).toBe('listening');
    const client = start(controller, CLIENT);
    expect(await client.nextLine()).toBe('got:one');

    // Without move_addresses this would cut the connection: refused.
    expect(() => runTask(host, bridgeModule, { name: 'h7mbr', ports: ['h7m0'] }, ctx, true)).toThrow(/refusing to enslave h7m0 to h7mbr/);

    const r = runTask(host, bridgeModule, { name: 'h7mbr', ports: ['h7m0'], move_addresses: true }, ctx);
    expect(r.changes.map((c) => c.summary)).toEqual([
      'create bridge h7mbr (stp off, forward delay 0s)',
      'h7mbr: add port h7m0, moving 10.88.0.2/24, route 10.89.0.0/16 table 100, route default from h7m0 to h7mbr',
      'add the bridge stanza to /etc/network/interfaces.d/zonectl-h7mbr (ifupdown)',
    ]);
    expect(r.apply?.exitCode).toBe(0);
    expect(r.apply?.stderr).toBe('');

    // The address and route tasks of the role now find everything in place (only their stanzas to persist).
    const addr = runTask(host, addressModule, { dev: 'h7mbr', addresses: ['10.88.0.2/24'] }, ctx);
    expect(addr.changes.map((c) => c.summary)).toEqual(['add the address stanza to /etc/network/interfaces.d/zonectl-h7mbr (ifupdown)']);
    const route = runTask(host, routeModule, { to: 'default', via: '10.88.0.1', dev: 'h7mbr' }, ctx);
    expect(route.changes.map((c) => c.summary)).toEqual(['add the route default table 254 metric 0 stanza to /etc/network/interfaces.d/zonectl-h7mbr (ifupdown)']);

    expect(host.must('ip -4 -o addr show dev h7m0')).toBe('');
    expect(host.must('ip -4 -o addr show dev h7mbr')).toContain('10.88.0.2/24');
    expect(host.must('ip route show default')).toContain('default via 10.88.0.1 dev h7mbr');
    expect(host.must('ip route show table 100')).toContain('10.89.0.0/16 via 10.88.0.1 dev h7mbr');

    client.process.stdin.write('\n');
    // An empty echo (got:) would mean the connection was closed.
    expect(await client.nextLine()).toBe('got:two');
  });
});
