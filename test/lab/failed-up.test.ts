/**
 * `down` after an `up` that failed half-way: the failure is real (the log
 * callback throws as the second node boots, so up stops with some nodes
 * booted, others not, and no links yet), and down must still remove
 * everything. Also: down by topology file, and two labs side by side.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, expect, it } from 'vitest';
import { labDown, labStatus, labUp, type LabState } from '../../src/lab/index.ts';
import { listLinks, listNetns, mountsUnder, netnsProcesses } from '../../src/lab/host.ts';
import { isLabHostIface, labStateDir, netnsPrefix } from '../../src/lab/names.ts';
import { readRecord } from '../../src/lab/state.ts';
import { labSuite, sshRun, startLab, stopLab, uniqueLabName } from '../support/lab.ts';

async function leftovers(lab: string): Promise<string[]> {
  return [
    ...listNetns().filter((n) => n.startsWith(netnsPrefix(lab))),
    ...(await listLinks()).map((l) => l.ifname).filter((n) => isLabHostIface(lab, n)),
    ...mountsUnder(labStateDir(lab)),
    ...(existsSync(labStateDir(lab)) ? [labStateDir(lab)] : []),
  ];
}

labSuite('lab down after a failed up', () => {
  const name = uniqueLabName('h3f');
  const dir = mkdtempSync(join(tmpdir(), 'zonectl-h3f-'));
  const file = join(dir, 'topology.yml');
  let other: LabState | undefined;

  afterAll(async () => {
    await labDown(name);
    await stopLab(other);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an up that fails mid-way leaves a record of what it made, and down removes all of it', async () => {
    writeFileSync(
      file,
      yaml.dump({
        name,
        nodes: { n1: {}, n2: {}, n3: {}, n4: {} },
        links: [['n1:eth1', 'n2:eth1']],
        segments: [{ name: 'seg', endpoints: ['n3:eth1', 'n4:eth1'] }],
      }),
    );
    let booted = 0;
    const log = (line: string) => {
      if (/: booted /.test(line) && ++booted === 2) throw new Error('simulated failure while booting');
    };
    await expect(labUp(file, { log })).rejects.toThrow('simulated failure while booting');

    // Partial: namespaces and processes exist, links do not, and the record knows about them.
    const record = readRecord(name);
    expect(record?.netns.length).toBeGreaterThan(0);
    expect(record?.links).toEqual([]);
    const pids = (record?.netns ?? []).flatMap((ns) => netnsProcesses(ns).map((p) => p.pid));
    expect(pids.length).toBeGreaterThan(0);
    expect((await leftovers(name)).length).toBeGreaterThan(0);

    await labDown(file); // by topology file
    expect(await leftovers(name)).toEqual([]);
    expect(pids.filter((pid) => existsSync(`/proc/${pid}/ns/net`))).toEqual([]);
    expect(await labStatus()).not.toContainEqual(expect.objectContaining({ name }));
  });

  it('up takes away what the topology no longer has; a lab taken down leaves another lab running', async () => {
    other = await startLab('h3o', { nodes: { a: {} } });
    writeFileSync(file, yaml.dump({ name, nodes: { n1: {}, n2: {}, n3: {} }, links: [['n1:eth1', 'n2:eth1']], segments: [{ name: 'seg', endpoints: ['n1:eth2', 'n3:eth2'] }] }));
    await labUp(file);
    writeFileSync(file, yaml.dump({ name, nodes: { n1: {}, n3: {} } }));
    const shrunk = await labUp(file);
    expect(shrunk.changes).toEqual(expect.arrayContaining(['removed node n2', 'removed link n1:eth1 - n2:eth1', 'removed n1:eth2 from segment seg', 'removed segment seg']));
    expect(listNetns().filter((n) => n.startsWith(netnsPrefix(name))).sort()).toEqual([`${netnsPrefix(name)}n1`, `${netnsPrefix(name)}n3`]);
    expect((await listLinks()).map((l) => l.ifname).filter((n) => isLabHostIface(name, n)).sort()).toEqual([`z${name}-m`, `z${name}-m0`, `z${name}-m2`]);
    expect((await labUp(file)).changes).toEqual([]);
    await labDown(name);
    expect(await leftovers(name)).toEqual([]);
    expect((await sshRun(other, 'a', 'hostname')).stdout.trim()).toBe('a');
    const [status] = await labStatus(other.name);
    expect(status?.nodes.map((n) => [n.name, n.reachable])).toEqual([['a', true]]);
  });
});
