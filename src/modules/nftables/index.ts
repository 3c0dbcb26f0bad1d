/**
 * `nftables`: one table zonectl owns, compared by meaning, replaced atomically.
 */
import { defineModule } from '../contract.ts';
import { nftablesCommands } from './commands.ts';
import { diffNftables } from './diff.ts';
import { nftablesDoc } from './doc.ts';
import { nftablesParams } from './schema.ts';
import type { NftablesParams } from './schema.ts';
import { nftablesProbe, parseNftables } from './state.ts';
import type { NftablesState } from './state.ts';

export const nftablesModule = defineModule<NftablesParams, NftablesState>({
  name: 'nftables',
  doc: nftablesDoc,
  schema: nftablesParams,
  // `src` is rendered once, at compile time: the plan holds the exact body.
  prepare(params, ctx) {
    if (params.src === undefined) return params;
    const { src, ...rest } = params;
    return { ...rest, content: ctx.render(ctx.readFile('templates', src), src) };
  },
  probe: (params) => nftablesProbe(params),
  parse: (output, params) => parseNftables(output, params),
  diff: (desired, actual) => diffNftables(desired, actual),
  commands: (changes, desired) => nftablesCommands(changes, desired),
});
