/**
 * Strategic assessments: generate a draft from the shared data, let analysts write and
 * rescore it (every save is a new version, none is lost), and publish a version as HTML
 * and PDF that can never change afterwards. Drafts are for those who edit; published
 * versions are for everyone in the partnership.
 */
import type { Db } from '../../db/connection.ts';
import type { AssessmentTemplate } from '../../db/schema.ts';
import { can, requireAccess, type Actor } from '../../shared/authorization.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { htmlToPdf } from '../../shared/pdf.ts';
import { renderTemplate } from '../../server/render.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { monthsBetween } from '../analysis/filters.ts';
import * as repo from './assessment.repository.ts';
import { documentView, periodLabel, SECTION_TITLES, TEMPLATE_SECTIONS, type Narrative, type SectionKey } from './document.render.ts';
import { gatherEvidence, TEMPLATES, type Evidence } from './evidence.service.ts';
import type { TCreateAssessment } from './assessment.schema.ts';

export type Concern = Record<string, number>;

export type AssessmentVersion = repo.VersionSummary & { evidence: Evidence; narrative: Narrative; concern: Concern };

export type AssessmentView = {
  assessment: repo.AssessmentRow;
  version: AssessmentVersion;
  versions: repo.VersionSummary[];
  latestVersion: number;
  editable: boolean;
};

/** Long enough for a year on year, short enough that one document stays readable. */
const MAX_PERIOD_MONTHS = 36;

function asVersion(row: repo.VersionRow): AssessmentVersion {
  return { ...row, evidence: row.evidence as Evidence, narrative: row.narrative as Narrative, concern: row.concern as Concern };
}

export function defaultTitle(template: AssessmentTemplate, from: string, to: string): string {
  return `${TEMPLATES[template].title}, ${periodLabel(from, to)}`;
}

export async function listAssessmentsFor(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const all = await repo.listAssessments(db, partnershipId);
  return can(actor, 'assessments:edit') ? all : all.filter((a) => a.published_version !== null);
}

/**
 * Generates the document for a template and period: a new document, or a new version of
 * the one that exists (the analysts' words and concern scores carry over; figures are
 * gathered again).
 */
export async function generateAssessment(db: Db, actor: Actor, input: TCreateAssessment): Promise<{ assessment: repo.AssessmentRow; version: repo.VersionSummary }> {
  const partnershipId = requireAccess(actor, 'assessments:edit', actor.partnershipId);
  const months = monthsBetween(input.from, input.to).length;
  if (months === 0) throw new LanternError('invalid-input', 'The last month must be the same as or after the first month.');
  if (months > MAX_PERIOD_MONTHS) throw new LanternError('invalid-input', `An assessment covers at most ${MAX_PERIOD_MONTHS} months; this period has ${months}.`);
  const from = `${input.from}-01`;
  const to = `${input.to}-01`;
  const existing = await repo.findAssessmentByPeriod(db, partnershipId, input.template, from, to);
  const previous = existing ? await repo.findVersion(db, partnershipId, existing.id) : undefined;
  const concern = (previous?.concern as Concern | undefined) ?? {};
  const evidence = await gatherEvidence(db, actor, input.template, input.from, input.to, concern);
  return db.transaction().execute(async (tx) => {
    const assessment = existing ?? await repo.insertAssessment(tx, {
      partnership_id: partnershipId, template: input.template, title: input.title?.trim() || defaultTitle(input.template, input.from, input.to),
      period_from: from, period_to: to, created_by: actor.label,
    });
    const version = await repo.insertVersion(tx, {
      partnershipId, assessmentId: assessment.id, status: 'draft', evidence, narrative: previous?.narrative ?? {}, concern,
      changeNote: existing ? 'Figures gathered again from the shared data' : 'First draft generated from the shared data', createdBy: actor.label,
    });
    await recordAudit(tx, actor, { action: existing ? 'assessment.regenerate' : 'assessment.create', recordType: 'assessment', recordId: assessment.id, detail: { version: version.version, template: input.template, from: input.from, to: input.to } });
    return { assessment, version };
  });
}

async function latestFor(db: Db, partnershipId: number, assessmentId: number, expectedVersion: number) {
  const assessment = await repo.findAssessment(db, partnershipId, assessmentId);
  if (!assessment) throw notFoundOrNoAccess();
  const latest = await repo.findVersion(db, partnershipId, assessmentId);
  if (!latest) throw notFoundOrNoAccess();
  // Two analysts editing at once: the second save would silently drop the first one's words.
  if (latest.version !== expectedVersion) {
    throw new LanternError('conflict', `Version ${latest.version} was saved by ${latest.created_by} after you opened version ${expectedVersion}. Open the latest version and make your change again; nothing was saved.`);
  }
  return { assessment, latest: asVersion(latest) };
}

/** Saves the words of one section as a new draft version. */
export async function saveSectionText(db: Db, actor: Actor, assessmentId: number, input: { version: number; section: string; text: string }) {
  const partnershipId = requireAccess(actor, 'assessments:edit', actor.partnershipId);
  const { assessment, latest } = await latestFor(db, partnershipId, assessmentId, input.version);
  const sections = TEMPLATE_SECTIONS[assessment.template];
  if (!sections.includes(input.section as SectionKey)) throw new LanternError('invalid-input', `There is no section "${input.section}" in a ${TEMPLATES[assessment.template].title.toLowerCase()}.`);
  const key = input.section as SectionKey;
  const narrative: Narrative = { ...latest.narrative, [key]: input.text.replace(/\r\n/g, '\n').trim() };
  return db.transaction().execute(async (tx) => {
    const version = await repo.insertVersion(tx, {
      partnershipId, assessmentId, status: 'draft', evidence: latest.evidence, narrative, concern: latest.concern,
      changeNote: `Words of “${SECTION_TITLES[key]}” edited`, createdBy: actor.label,
    });
    await recordAudit(tx, actor, { action: 'assessment.edit', recordType: 'assessment', recordId: assessmentId, detail: { version: version.version, section: key } });
    return version;
  });
}

/** Enters public concern and rescores: the recommended priorities, and so their analyses, may change. */
export async function saveConcern(db: Db, actor: Actor, assessmentId: number, input: { version: number; concern: Concern }) {
  const partnershipId = requireAccess(actor, 'assessments:edit', actor.partnershipId);
  const { assessment, latest } = await latestFor(db, partnershipId, assessmentId, input.version);
  const known = new Set(latest.evidence.priorities.map((p) => p.category));
  const unknown = Object.keys(input.concern).find((c) => !known.has(c));
  if (unknown) throw new LanternError('invalid-input', `There is no category "${unknown}" among the priorities.`);
  const evidence = await gatherEvidence(db, actor, assessment.template, assessment.period_from.slice(0, 7), assessment.period_to.slice(0, 7), input.concern);
  return db.transaction().execute(async (tx) => {
    const version = await repo.insertVersion(tx, {
      partnershipId, assessmentId, status: 'draft', evidence, narrative: latest.narrative, concern: input.concern,
      changeNote: 'Public concern entered; priorities rescored', createdBy: actor.label,
    });
    await recordAudit(tx, actor, { action: 'assessment.edit', recordType: 'assessment', recordId: assessmentId, detail: { version: version.version, concern: input.concern } });
    return version;
  });
}

/** The document of one version as a standalone HTML page (inline styles and charts, no scripts). */
export function renderDocument(assessment: repo.AssessmentRow, version: Pick<AssessmentVersion, 'version' | 'status' | 'evidence' | 'narrative'>, publishedAt: Date): string {
  const doc = documentView(version.evidence, version.narrative, assessment.title);
  return renderTemplate('assessments/document.njk', { doc, version, publishedAt: publishedAt.toISOString() });
}

/**
 * Publishes the latest draft: renders it with the figures as gathered (suppressed), makes
 * the PDF, and stores both with a frozen copy of the version.
 */
export async function publishAssessment(db: Db, actor: Actor, assessmentId: number, input: { version: number }) {
  const partnershipId = requireAccess(actor, 'assessments:edit', actor.partnershipId);
  const { assessment, latest } = await latestFor(db, partnershipId, assessmentId, input.version);
  if (latest.status === 'published') throw new LanternError('conflict', `Version ${latest.version} is already published; change something to make a new draft first.`);
  const publishedAt = new Date();
  const frozen = { ...latest, version: latest.version + 1, status: 'published' as const };
  const html = renderDocument(assessment, frozen, publishedAt);
  const pdf = await htmlToPdf(html, { footer: `${latest.evidence.partnership.name}: ${assessment.title}, version ${frozen.version}` });
  return db.transaction().execute(async (tx) => {
    const version = await repo.insertVersion(tx, {
      partnershipId, assessmentId, status: 'published', evidence: latest.evidence, narrative: latest.narrative, concern: latest.concern,
      changeNote: `Published (from version ${latest.version})`, createdBy: actor.label, html, pdf,
    });
    // The number rendered into the document must be the number stored.
    if (version.version !== frozen.version) throw new LanternError('conflict', 'Another version was saved while this one was being published; publish again.');
    await recordAudit(tx, actor, { action: 'assessment.publish', recordType: 'assessment', recordId: assessmentId, detail: { version: version.version, pdfBytes: pdf.length } });
    return { version, html, pdf };
  });
}

/** A version to show: drafts only to those who edit; published versions to everyone in the partnership. */
export async function getAssessment(db: Db, actor: Actor, assessmentId: number, versionNumber?: number): Promise<AssessmentView> {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const editor = can(actor, 'assessments:edit');
  const assessment = await repo.findAssessment(db, partnershipId, assessmentId);
  if (!assessment) throw notFoundOrNoAccess();
  const all = await repo.listVersions(db, partnershipId, assessmentId);
  const visible = editor ? all : all.filter((v) => v.status === 'published');
  const wanted = versionNumber === undefined ? visible[0] : visible.find((v) => v.version === versionNumber);
  if (!wanted) throw notFoundOrNoAccess();
  const row = await repo.findVersion(db, partnershipId, assessmentId, wanted.version);
  if (!row) throw notFoundOrNoAccess();
  const version = asVersion(row);
  return { assessment, version, versions: visible, latestVersion: all[0]!.version, editable: editor && version.version === all[0]!.version };
}

export async function getPublishedFile(db: Db, actor: Actor, assessmentId: number, version: number, format: 'html' | 'pdf') {
  const partnershipId = requireAccess(actor, 'overview:read', actor.partnershipId);
  const assessment = await repo.findAssessment(db, partnershipId, assessmentId);
  const body = assessment ? await repo.findPublishedFile(db, partnershipId, assessmentId, version, format) : null;
  if (!assessment || body === null) throw notFoundOrNoAccess();
  const name = `${assessment.template}-${assessment.period_from.slice(0, 7)}-to-${assessment.period_to.slice(0, 7)}-v${version}.${format}`;
  return { name, type: format === 'html' ? 'text/html; charset=utf-8' : 'application/pdf', body };
}

export type VersionChanges = {
  assessment: repo.AssessmentRow;
  from: repo.VersionSummary;
  to: repo.VersionSummary;
  sections: Array<{ key: SectionKey; title: string; before: string; after: string; changed: boolean }>;
  /** The figures were gathered again between the two versions (new data, or concern rescored). */
  figuresGathered: { before: string; after: string } | null;
  recommended: { before: string[]; after: string[] };
};

/**
 * What changed from the version before this one (of those the reader may see: for most,
 * the previous published version), so a board reads only what is new.
 */
export async function compareWithPrevious(db: Db, actor: Actor, assessmentId: number, versionNumber: number): Promise<VersionChanges> {
  const current = await getAssessment(db, actor, assessmentId, versionNumber);
  const previous = current.versions.find((v) => v.version < versionNumber);
  if (!previous) throw notFoundOrNoAccess();
  const earlier = await getAssessment(db, actor, assessmentId, previous.version);
  const a = earlier.version;
  const b = current.version;
  const recommended = (v: AssessmentVersion) => v.evidence.priorities.filter((p) => p.recommended).map((p) => p.label);
  return {
    assessment: current.assessment,
    from: previous,
    to: current.versions.find((v) => v.version === versionNumber)!,
    sections: TEMPLATE_SECTIONS[current.assessment.template].map((key) => {
      const before = a.narrative[key] ?? '';
      const after = b.narrative[key] ?? '';
      return { key, title: SECTION_TITLES[key], before, after, changed: before !== after };
    }),
    figuresGathered: a.evidence.generatedAt !== b.evidence.generatedAt ? { before: a.evidence.generatedAt, after: b.evidence.generatedAt } : null,
    recommended: { before: recommended(a), after: recommended(b) },
  };
}
