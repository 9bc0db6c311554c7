import type { Db } from '../../db/connection.ts';
import type { VenueAliasStatus } from '../../db/schema.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { toBng } from '../../shared/bng.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ByteSource } from '../ingestion/parsers/decode.ts';
import { FileRefusedError } from '../ingestion/parsers/file-errors.ts';
import { findPartnershipById } from '../partnerships/partnership.repository.ts';
import { parsePremisesRegister } from './premises-register.parser.ts';
import { buildRanking, type VenueRanking } from './venue-ranking.ts';
import { decideMatch, scoreCandidate, type ScoredCandidate } from './venue-match.scorer.ts';
import { compactVenueText, normaliseAddress, normaliseVenueText } from './venue-text.normaliser.ts';
import * as repo from './venues.repository.ts';

/** How many premises pg_trgm proposes per description before edit distance re-scores them. */
const CANDIDATES_PER_DESCRIPTION = 25;
/** Descriptions scored per query. */
const MATCH_CHUNK = 500;
const HUMAN: ReadonlySet<VenueAliasStatus> = new Set(['confirmed', 'rejected']);

export type RegisterImportResult = {
  fileName: string;
  premises: number;
  added: number;
  updated: number;
  restored: number;
  removed: number;
  ignoredColumns: string[];
  matching: MatchSummary;
};

export type MatchSummary = {
  /** Distinct normalised descriptions in the A&E data. */
  descriptions: number;
  /** Descriptions scored by this run; the outcomes below are theirs. */
  scored: number;
  matched: number;
  review: number;
  noMatch: number;
  /** Left alone because a person decided them. */
  decidedByPeople: number;
  /** Scored before and now with another outcome or premises. */
  changed: number;
};

/**
 * Imports the licensed-premises register: all rows or none. Premises are matched to what
 * is held by name and postcode, so a re-import updates them in place; premises the new
 * register no longer lists are marked removed, not deleted. Matching runs afterwards.
 */
export async function importPremisesRegister(db: Db, actor: Actor, input: { fileName: string; input: ByteSource }): Promise<RegisterImportResult> {
  const partnershipId = requireAccess(actor, 'venues:manage', actor.partnershipId);
  let parsed: Awaited<ReturnType<typeof parsePremisesRegister>>;
  try {
    parsed = await parsePremisesRegister(input.input);
  } catch (error) {
    if (error instanceof FileRefusedError) await recordRefusal(db, actor, input.fileName, error.problems.length);
    throw error;
  }
  if (parsed.problems.length > 0) {
    await recordRefusal(db, actor, input.fileName, parsed.problems.length);
    const rows = new Set(parsed.problems.map((p) => p.line)).size;
    throw new LanternError('file-refused',
      `The register was not imported: ${rows === 1 ? '1 row has' : `${rows} rows have`} problems, listed below by line and column. Nothing was changed. Correct the file and upload it again.`,
      { details: parsed.problems });
  }
  const values = parsed.entries.map((e) => {
    const [easting, northing] = e.lon !== null && e.lat !== null ? toBng(e.lon, e.lat).map(Math.round) as [number, number] : [null, null];
    return {
      name: e.name, address: e.address, postcode: e.postcode, lon: e.lon, lat: e.lat, easting, northing, licensed_hours: e.licensedHours,
      name_norm: normaliseVenueText(e.name), address_norm: normaliseAddress(e.address),
    };
  });
  const counts = await db.transaction().execute(async (tx) => {
    const saved = await repo.upsertPremises(tx, partnershipId, values);
    const removed = await repo.markPremisesRemoved(tx, partnershipId, saved.map((s) => s.id));
    const result = {
      premises: saved.length,
      added: saved.filter((s) => s.inserted).length,
      updated: saved.filter((s) => !s.inserted).length,
      restored: saved.filter((s) => s.restored).length,
      removed,
    };
    await recordAudit(tx, actor, { action: 'premises.import', recordType: 'premises-register', detail: { fileName: input.fileName, ...result, ignoredColumns: parsed.ignoredColumns } });
    return result;
  });
  // The register changed, so every description not decided by a person is scored again.
  const matching = await matchVenueDescriptions(db, actor, { rescore: true });
  return { fileName: input.fileName, ...counts, ignoredColumns: parsed.ignoredColumns, matching };
}

async function recordRefusal(db: Db, actor: Actor, fileName: string, problems: number): Promise<void> {
  await db.transaction().execute((tx) => recordAudit(tx, actor, { action: 'premises.import-refused', recordType: 'premises-register', detail: { fileName, problems } }));
}

/**
 * Matches the A&E location descriptions that arrived since the last run (from later
 * uploads) to the register; with `rescore`, also every description the matcher decided
 * before, as after a register import. A person's decision (confirmed or rejected) is kept.
 */
export async function matchVenueDescriptions(db: Db, actor: Actor, options: { rescore?: boolean } = {}): Promise<MatchSummary> {
  const partnershipId = requireAccess(actor, 'venues:manage', actor.partnershipId);
  return db.transaction().execute(async (tx) => {
    await repo.lockVenueMatching(tx, partnershipId);
    const texts = (await repo.listIstvDescriptions(tx, partnershipId)).map((text) => ({ text, norm: normaliseVenueText(text) }));
    // Texts with nothing left to match ("-", "?") are recorded too, so they do not count as new again.
    await repo.saveAliasTexts(tx, partnershipId, texts);
    const existing = new Map((await repo.listAliases(tx, partnershipId)).map((a) => [a.description_norm, a]));
    const descriptions = [...new Set(texts.map((t) => t.norm).filter((n) => n !== ''))].sort();
    const toScore = descriptions.filter((d) => {
      const status = existing.get(d)?.status;
      return status === undefined || (options.rescore === true && !HUMAN.has(status));
    });
    const decisions: repo.MachineDecision[] = [];
    const nameCompact = new Map<number, string>();
    for (let i = 0; i < toScore.length; i += MATCH_CHUNK) {
      const chunk = toScore.slice(i, i + MATCH_CHUNK);
      const byDescription = new Map<string, ScoredCandidate[]>(chunk.map((d) => [d, []]));
      for (const row of await repo.trigramCandidates(tx, partnershipId, chunk, CANDIDATES_PER_DESCRIPTION)) {
        if (!nameCompact.has(row.premises_id)) nameCompact.set(row.premises_id, compactVenueText(row.name));
        const score = scoreCandidate(row.description_norm, {
          premisesId: row.premises_id, name: row.name, nameNorm: row.name_norm, nameSimilarity: row.name_similarity,
          descriptionInName: row.description_in_name, nameInDescription: row.name_in_description, addressSimilarity: row.address_similarity,
        }, nameCompact.get(row.premises_id)!);
        byDescription.get(row.description_norm)!.push({ premisesId: row.premises_id, score: Math.round(score * 1000) / 1000 });
      }
      for (const [description, scored] of byDescription) {
        const decision = decideMatch(scored);
        decisions.push({ description_norm: description, status: decision.status, premises_id: decision.premisesId, score: decision.score, candidates: decision.candidates });
      }
    }
    await repo.saveMachineDecisions(tx, partnershipId, decisions);
    const changed = decisions.filter((d) => {
      const before = existing.get(d.description_norm);
      return before !== undefined && (before.status !== d.status || before.premises_id !== d.premises_id);
    }).length;
    const summary: MatchSummary = {
      descriptions: descriptions.length,
      scored: toScore.length,
      matched: decisions.filter((d) => d.status === 'matched').length,
      review: decisions.filter((d) => d.status === 'review').length,
      noMatch: decisions.filter((d) => d.status === 'no-match').length,
      decidedByPeople: descriptions.filter((d) => HUMAN.has(existing.get(d)?.status ?? 'no-match')).length,
      changed,
    };
    await recordAudit(tx, actor, { action: 'venues.match', recordType: 'venue-alias', detail: summary });
    return summary;
  });
}

/**
 * A person's decision on what a description means: one premises (confirm), or no licensed
 * premises (reject). It holds for every past and future attendance written that way, and
 * matching never overrides it.
 */
export async function decideVenueMatch(db: Db, actor: Actor, input: { description: string; premisesId: number | null }) {
  const partnershipId = requireAccess(actor, 'venues:manage', actor.partnershipId);
  const description = normaliseVenueText(input.description);
  return db.transaction().execute(async (tx) => {
    const alias = await repo.findAlias(tx, partnershipId, description);
    if (!alias) throw notFoundOrNoAccess();
    const premises = input.premisesId === null ? null : await repo.findPremises(tx, partnershipId, input.premisesId);
    if (input.premisesId !== null && !premises) throw notFoundOrNoAccess();
    const decided = await repo.saveHumanDecision(tx, partnershipId, description, {
      status: premises ? 'confirmed' : 'rejected', premisesId: premises?.id ?? null, decidedBy: actor.label,
    });
    await recordAudit(tx, actor, {
      action: premises ? 'venue-alias.confirm' : 'venue-alias.reject', recordType: 'venue-alias', recordId: description,
      detail: { description, premisesId: premises?.id ?? null, premises: premises?.name ?? null, before: { status: alias.status, premisesId: alias.premises_id } },
    });
    return { ...decided, premisesName: premises?.name ?? null };
  });
}

type StoredCandidate = { premisesId: number; score: number };

/** The uncertain descriptions, most attendances first, with the premises they might mean. */
export async function getReviewQueue(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'venues:manage', actor.partnershipId);
  const [queue, premises, partnership] = await Promise.all([
    repo.listReviewQueue(db, partnershipId), repo.listPremises(db, partnershipId), findPartnershipById(db, partnershipId),
  ]);
  const byId = new Map(premises.map((p) => [p.id, p]));
  const threshold = partnership?.suppression_threshold ?? 5;
  const suppress = actor.role !== 'analyst';
  return {
    suppressed: suppress,
    threshold,
    premises: premises.map((p) => ({ id: p.id, name: p.name, postcode: p.postcode, removed: p.removed_at !== null })),
    items: queue.map((item) => ({
      description: item.description_norm,
      examples: item.examples,
      score: item.score,
      attendances: suppress && item.attendances > 0 && item.attendances < threshold ? { value: null, suppressed: true } : { value: item.attendances, suppressed: false },
      candidates: (item.candidates as StoredCandidate[])
        .filter((c) => byId.has(c.premisesId))
        .map((c) => {
          const p = byId.get(c.premisesId)!;
          return { premisesId: p.id, name: p.name, address: p.address, postcode: p.postcode, removed: p.removed_at !== null, score: c.score };
        }),
    })),
  };
}

export type PeriodInput = { from?: string | undefined; to?: string | undefined };

function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Premises ranked by the A&E assault attendances matched to them in a period (months
 * 'YYYY-MM', by default the latest 12 months of A&E data), with their time-of-night
 * profile. Counts from 1 to the partnership's threshold − 1 are withheld for every role
 * but analyst.
 */
export async function getVenueRanking(db: Db, actor: Actor, input: PeriodInput = {}): Promise<VenueRanking> {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const [partnership, latest, premises] = await Promise.all([
    findPartnershipById(db, partnershipId), repo.latestIstvMonth(db, partnershipId), repo.listPremises(db, partnershipId),
  ]);
  const threshold = partnership?.suppression_threshold ?? 5;
  const suppress = actor.role !== 'analyst';
  const to = input.to ?? (latest ? latest.slice(0, 7) : null);
  const from = input.from ?? (to ? addMonths(to, -11) : null);
  if (from === null || to === null) {
    return buildRanking({ period: null, premises, rows: [], allAttendances: 0, threshold, suppress });
  }
  if (from > to) throw new LanternError('invalid-input', `The period starts (${from}) after it ends (${to}). Choose a first month before the last.`);
  const [rows, allAttendances] = await Promise.all([
    repo.venueAttendancesByHour(db, partnershipId, `${from}-01`, `${to}-01`),
    repo.countIstvAttendances(db, partnershipId, `${from}-01`, `${to}-01`),
  ]);
  return buildRanking({ period: { from, to }, premises, rows, allAttendances, threshold, suppress });
}

/** How many distinct A&E location descriptions have arrived since matching last ran. */
export async function countNewDescriptions(db: Db, actor: Actor): Promise<number> {
  const partnershipId = requireAccess(actor, 'venues:manage', actor.partnershipId);
  return repo.countUnmatchedDescriptions(db, partnershipId);
}

/** The register as held, with how the A&E descriptions stand against it. */
export async function getPremisesRegister(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'venues:manage', actor.partnershipId);
  const [premises, statuses] = await Promise.all([repo.listPremises(db, partnershipId), repo.countAliasesByStatus(db, partnershipId)]);
  return {
    premises,
    current: premises.filter((p) => p.removed_at === null).length,
    removed: premises.filter((p) => p.removed_at !== null).length,
    lastImportedAt: premises.reduce<Date | null>((latest, p) => (latest === null || p.imported_at > latest ? p.imported_at : latest), null),
    statuses,
  };
}
