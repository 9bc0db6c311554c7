/** SQL of strategic assessments: documents, their versions, and what each agency shared. */
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/connection.ts';
import type { AssessmentTemplate } from '../../db/schema.ts';

type Conn = Db | Tx;

export type AssessmentRow = {
  id: number; partnership_id: number; template: AssessmentTemplate; title: string;
  period_from: string; period_to: string; created_by: string; created_at: Date;
};

export type VersionSummary = {
  id: number; assessment_id: number; version: number; status: 'draft' | 'published';
  change_note: string; created_by: string; created_at: Date;
};

export type VersionRow = VersionSummary & { evidence: unknown; narrative: unknown; concern: unknown };

const SUMMARY_COLUMNS = ['id', 'assessment_id', 'version', 'status', 'change_note', 'created_by', 'created_at'] as const;

export async function findAssessment(db: Conn, partnershipId: number, id: number): Promise<AssessmentRow | undefined> {
  return db.selectFrom('assessments').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export async function findAssessmentByPeriod(db: Conn, partnershipId: number, template: AssessmentTemplate, from: string, to: string): Promise<AssessmentRow | undefined> {
  return db.selectFrom('assessments').selectAll()
    .where('partnership_id', '=', partnershipId).where('template', '=', template)
    .where('period_from', '=', from).where('period_to', '=', to).executeTakeFirst();
}

export async function insertAssessment(tx: Tx, row: Omit<AssessmentRow, 'id' | 'created_at'>): Promise<AssessmentRow> {
  return tx.insertInto('assessments').values(row).returningAll().executeTakeFirstOrThrow();
}

export type AssessmentListRow = AssessmentRow & { latest_version: number; published_version: number | null; published_at: Date | null };

export async function listAssessments(db: Conn, partnershipId: number): Promise<AssessmentListRow[]> {
  const { rows } = await sql<AssessmentListRow>`
    SELECT a.*, max(v.version)::int AS latest_version,
           max(v.version) FILTER (WHERE v.status = 'published')::int AS published_version,
           max(v.created_at) FILTER (WHERE v.status = 'published') AS published_at
      FROM assessments a JOIN assessment_versions v ON v.assessment_id = a.id
     WHERE a.partnership_id = ${partnershipId}
     GROUP BY a.id
     ORDER BY a.period_to DESC, a.id DESC`.execute(db);
  return rows;
}

export async function listVersions(db: Conn, partnershipId: number, assessmentId: number): Promise<VersionSummary[]> {
  return db.selectFrom('assessment_versions').select(SUMMARY_COLUMNS)
    .where('partnership_id', '=', partnershipId).where('assessment_id', '=', assessmentId)
    .orderBy('version', 'desc').execute();
}

export async function findVersion(db: Conn, partnershipId: number, assessmentId: number, version?: number): Promise<VersionRow | undefined> {
  let query = db.selectFrom('assessment_versions').select([...SUMMARY_COLUMNS, 'evidence', 'narrative', 'concern'])
    .where('partnership_id', '=', partnershipId).where('assessment_id', '=', assessmentId);
  query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  return query.executeTakeFirst();
}

export async function findPublishedFile(db: Conn, partnershipId: number, assessmentId: number, version: number, format: 'html' | 'pdf'): Promise<string | Buffer | null> {
  const row = await db.selectFrom('assessment_versions').select(format === 'html' ? 'html' : 'pdf')
    .where('partnership_id', '=', partnershipId).where('assessment_id', '=', assessmentId)
    .where('version', '=', version).where('status', '=', 'published').executeTakeFirst();
  if (!row) return null;
  return format === 'html' ? (row as { html: string | null }).html : (row as { pdf: Buffer | null }).pdf;
}

/** Versions are numbered per document; the row lock on the document keeps two saves from taking one number. */
export async function insertVersion(tx: Tx, row: {
  partnershipId: number; assessmentId: number; status: 'draft' | 'published'; evidence: unknown; narrative: unknown; concern: unknown;
  changeNote: string; createdBy: string; html?: string; pdf?: Buffer;
}): Promise<VersionSummary> {
  await sql`SELECT 1 FROM assessments WHERE id = ${row.assessmentId} FOR UPDATE`.execute(tx);
  const next = await tx.selectFrom('assessment_versions').select(sql<number>`coalesce(max(version), 0) + 1`.as('v'))
    .where('assessment_id', '=', row.assessmentId).executeTakeFirstOrThrow();
  return tx.insertInto('assessment_versions').values({
    partnership_id: row.partnershipId, assessment_id: row.assessmentId, version: next.v, status: row.status,
    evidence: JSON.stringify(row.evidence), narrative: JSON.stringify(row.narrative), concern: JSON.stringify(row.concern),
    change_note: row.changeNote, created_by: row.createdBy, html: row.html ?? null, pdf: row.pdf ?? null,
  }).returning(SUMMARY_COLUMNS).executeTakeFirstOrThrow();
}

export type AgencySharing = { agency_id: number; name: string; type: string; uploads: number; rows: number };

/** Each member agency and how many incidents of the period it shared (none: it is named in the caveats). */
export async function agencySharing(db: Conn, partnershipId: number, from: string, to: string): Promise<AgencySharing[]> {
  const { rows } = await sql<AgencySharing>`
    SELECT a.id AS agency_id, a.name, a.type,
           count(DISTINCT c.upload_id)::int AS uploads, coalesce(sum(c.n), 0)::int AS rows
      FROM agencies a
      LEFT JOIN uploads u ON u.agency_id = a.id AND u.partnership_id = a.partnership_id AND u.status = 'imported'
      LEFT JOIN incident_counts c ON c.upload_id = u.id AND c.partnership_id = a.partnership_id
           AND c.month BETWEEN ${`${from}-01`}::date AND ${`${to}-01`}::date
     WHERE a.partnership_id = ${partnershipId}
     GROUP BY a.id
     ORDER BY a.name`.execute(db);
  return rows;
}
