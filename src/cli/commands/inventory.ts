/** `zonectl inventory -i INV [--limit P] [--json]`: what the inventory says, with where each value came from. */
import type { Command } from 'commander';
import { addInventoryOptions, type InventoryOptions } from '../options.ts';

interface InventoryCommandOptions extends InventoryOptions {
  json?: boolean;
}

export function registerInventoryCommand(program: Command): void {
  const cmd = program
    .command('inventory')
    .description("list hosts, groups and each host's merged variables with where each value came from (secrets redacted)");
  addInventoryOptions(cmd)
    .option('--json', 'print JSON: hosts.<name>.{groups, vars, origins, connection, platform} and groups.<name>.{hosts, children}')
    .action(async (options: InventoryCommandOptions) => {
      // loaded on use: startup (--version, other commands) does without the inventory loader
      const { loadInventory, renderInventory } = await import('../../inventory/index.ts');
      const inventory = loadInventory(options.inventory);
      for (const warning of inventory.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (inventory.hosts.size === 0) process.stderr.write(`warning: the inventory has no hosts (${options.inventory.join(', ')})\n`);
      let hosts = [...inventory.hosts.keys()];
      if (options.limit !== undefined) {
        hosts = inventory.match(options.limit);
        if (hosts.length === 0) process.stderr.write(`warning: --limit ${JSON.stringify(options.limit)} matches no host\n`);
      }
      process.stdout.write(renderInventory(inventory, hosts, options.json ? 'json' : 'text'));
    });
}
