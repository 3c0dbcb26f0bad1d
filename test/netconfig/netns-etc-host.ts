/**
 * A scratch "host" whose whole /etc is private: a network namespace plus a
 * mount namespace with an overlay over /etc (upper layer on a tmpfs), so the
 * netplan and NetworkManager files (and /etc/netplan itself, which this
 * machine lacks) land there and nowhere else. Like netns-host.ts, held open by
 * a sleeping process and entered with nsenter; names carry the test's prefix.
 */
import { spawnSync } from 'node:child_process';
import type { Change, ModuleDefinition, RunContext } from '../../src/modules/contract.ts';
import { quote } from '../../src/shell/quote.ts';
import { NetnsHost, type Run } from './netns-host.ts';

export class EtcOverlayHost extends NetnsHost {
  override async start(): Promise<void> {
    const t = `/tmp/.${this.ns}`;
    await this.startWith(
      [
        `mkdir -p ${t} && mount -t tmpfs ${this.ns} ${t} && mkdir ${t}/u ${t}/w`,
        `mount -t overlay ${this.ns} -o lowerdir=/etc,upperdir=${t}/u,workdir=${t}/w /etc`,
      ].join(' && '),
    );
  }

  override async close(): Promise<void> {
    await super.close();
    // The tmpfs lived in the dead mount namespace; only the empty mount point is left here.
    spawnSync('rmdir', [`/tmp/.${this.ns}`]);
  }
}

/** One task the way the engine runs it: probe, parse, diff, and (unless dryRun) the commands as `( set -e; eval 'TEXT' )`. */
export function runOn(host: EtcOverlayHost, module: ModuleDefinition, rawParams: unknown, ctx: RunContext, dryRun = false): { changes: Change[]; apply: Run | null } {
  const params: unknown = module.schema.parse(rawParams);
  const state: unknown = module.parse(host.sh(module.probe(params, ctx)), params, ctx);
  const changes = module.diff(params, state, ctx);
  if (dryRun || changes.length === 0) return { changes, apply: null };
  const apply = host.sh(`( set -e; eval ${quote(module.commands(changes, params, ctx))} ) </dev/null`);
  return { changes, apply };
}
