/**
 * Params of the `nftables` module: one table zonectl owns, by family and
 * name, with its body as nft syntax (`content`, or a template `src`), or
 * `state: absent`.
 */
import { z } from 'zod';
import { NFT_FAMILIES, SENTINEL_TABLE, TABLE_NAME, TABLE_NAME_RULE } from '../../nft/names.ts';
import { strictObject } from '../file/strict-object.ts';
import { absolutePath, fileContent, sourceName } from '../file/schema.ts';

export const DEFAULT_PERSIST_DIR = '/etc/nftables.d';
export const DEFAULT_INCLUDE_FROM = '/etc/nftables.conf';

/** A body that starts with its own `table …` statement: the operator wrote the wrapper zonectl adds. */
const STARTS_WITH_TABLE = /^(?:\s*(?:#[^\n]*)?\n)*\s*(?:(?:add|create)\s+)?table\b/;

export const nftablesParams = strictObject(
  {
    family: z.enum(NFT_FAMILIES, { errorMap: () => ({ message: `family must be one of ${NFT_FAMILIES.join(', ')}` }) }),
    table: z
      .string({ invalid_type_error: `table must be a name: ${TABLE_NAME_RULE}` })
      .refine((v) => TABLE_NAME.test(v), { message: `table must be ${TABLE_NAME_RULE}` })
      .refine((v) => v !== SENTINEL_TABLE.name, { message: `table ${SENTINEL_TABLE.name} is reserved for zonectl's probe` }),
    state: z.enum(['present', 'absent'], { errorMap: () => ({ message: 'state must be present or absent' }) }).default('present'),
    /** The table's body: chains, sets, maps … — what goes inside `table FAMILY NAME { … }`. */
    content: fileContent.optional(),
    /** A handlebars template in the role's templates/ (or beside the playbook), rendered at compile time. */
    src: sourceName.optional(),
    /** Also load the table at boot (a file in persist_dir, included from include_from). */
    persist: z.boolean({ invalid_type_error: 'persist must be true or false' }).default(true),
    persist_dir: absolutePath
      .refine((v) => /^[A-Za-z0-9_./-]+$/.test(v), { message: 'persist_dir must be a plain path (letters, digits, _ . / -): it is written inside an nft include "…"' })
      .default(DEFAULT_PERSIST_DIR),
    include_from: absolutePath.default(DEFAULT_INCLUDE_FROM),
  },
  'nftables',
).superRefine((p, ctx) => {
  if (p.content !== undefined && p.src !== undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['src'], message: 'give content or src, not both' });
  }
  if (p.state === 'present' && p.content === undefined && p.src === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give the table body as content or src (or state: absent)' });
  }
  if (p.state === 'absent') {
    for (const key of ['content', 'src'] as const) {
      if (p[key] !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} cannot be used with state: absent` });
    }
  }
  if (p.content !== undefined && STARTS_WITH_TABLE.test(p.content)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['content'],
      message: `content is the body of table ${p.family} ${p.table} (chains, sets, maps): leave out the table statement, zonectl writes it around the body`,
    });
  }
});

export type NftablesParams = z.output<typeof nftablesParams>;

/** The file that loads the table at boot. */
export function persistPath(p: Pick<NftablesParams, 'family' | 'table' | 'persist_dir'>): string {
  return `${p.persist_dir}/zonectl-${p.family}-${p.table}.nft`;
}

/** The include line zonectl keeps in include_from: every zonectl table file, in name order. */
export function includeLine(p: Pick<NftablesParams, 'persist_dir'>): string {
  return `include "${p.persist_dir}/zonectl-*.nft"`;
}
