import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { listCategories, upsertCategoryMap } from '../partnerships/partnership.repository.ts';
import * as repo from './ingestion.repository.ts';
import { ZColumnMappingSchema } from './parsers/generic.parser.ts';

/**
 * A generic source's saved mapping: which columns hold what, plus how its own categories
 * fall into the partnership taxonomy (a default, and per-category overrides).
 */
export const ZSourceMappingSchema = ZColumnMappingSchema.and(z.object({
  taxonomy: z.object({
    default: z.string().optional(),
    map: z.record(z.string(), z.string()).optional(),
  }).optional(),
}));
export type TSourceMapping = z.infer<typeof ZSourceMappingSchema>;

export async function saveColumnMapping(db: Db, actor: Actor, input: { sourceSlug: string; sourceName?: string | undefined; mapping: unknown }) {
  const partnershipId = requireAccess(actor, 'data:upload', actor.partnershipId);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(input.sourceSlug)) throw new LanternError('invalid-input', `"${input.sourceSlug}" is not a valid source name: use lower-case letters, digits and hyphens.`);
  const mapping = ZSourceMappingSchema.parse(input.mapping);
  const codes = new Set((await listCategories(db, partnershipId)).map((c) => c.code));
  const named = [mapping.taxonomy?.default, ...Object.values(mapping.taxonomy?.map ?? {})].filter((c): c is string => !!c);
  const unknown = named.filter((c) => !codes.has(c));
  if (unknown.length) throw new LanternError('invalid-input', `Unknown partnership categories in the mapping: ${[...new Set(unknown)].join(', ')}. Known: ${[...codes].join(', ')}.`);
  return db.transaction().execute(async (tx) => {
    const existing = await repo.findSource(tx, partnershipId, input.sourceSlug);
    if (existing && existing.kind !== 'incidents') throw new LanternError('invalid-input', `The source "${input.sourceSlug}" holds ${existing.kind} data and has no column mapping.`);
    const source = existing ?? await repo.insertSource(tx, { partnership_id: partnershipId, slug: input.sourceSlug, kind: 'incidents', name: input.sourceName ?? input.sourceSlug });
    await repo.upsertMapping(tx, partnershipId, source.id, mapping, actor.userId);
    if (mapping.taxonomy?.map) await upsertCategoryMap(tx, partnershipId, `incidents:${source.slug}`, mapping.taxonomy.map);
    await recordAudit(tx, actor, { action: 'source.save-mapping', recordType: 'source', recordId: source.id, detail: { source: source.slug, mapping } });
    return source;
  });
}

export async function findSavedMapping(db: Db, partnershipId: number, sourceId: number): Promise<TSourceMapping | null> {
  const saved = await repo.findMapping(db, partnershipId, sourceId);
  return saved ? ZSourceMappingSchema.parse(saved) : null;
}
