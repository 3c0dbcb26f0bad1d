/**
 * The floor: every host of an inventory, in parallel, one ssh2 connection
 * each running one no-op command (`true`), then closed — the least any tool
 * that connects over SSH must pay. Run as a child process by bench/run.ts (so
 * its process start is measured like zonectl's), it prints
 * `{"connectSeconds": S, "hosts": N, "execs": E}` where S is the time from the
 * first connect to the last close, inside the process.
 *   (bundled by bench/engine.ts like zonectl, then) node floor.mjs INVENTORY.yml
 */
import { loadInventory } from '../src/inventory/index.ts';
import { SshConnector } from '../src/transport/index.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: floor.ts INVENTORY');
const inventory = loadInventory([file]);
const connector = new SshConnector({ acceptNewHostKeys: false });
const start = performance.now();
const execs = await Promise.all(
  [...inventory.hosts.values()].map(async (host) => {
    const conn = await connector.connect(host.name, host.connection);
    const result = await conn.runScript('true');
    if (result.exitCode !== 0) throw new Error(`${host.name}: the no-op exited ${result.exitCode}`);
    const count = conn.execCount;
    await conn.close();
    return count;
  }),
);
const connectSeconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ connectSeconds, hosts: execs.length, execs: Math.max(0, ...execs) })}\n`);
