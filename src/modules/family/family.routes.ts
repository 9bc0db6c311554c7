import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { eachUploadedFile } from '../../server/multipart.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { can } from '../../shared/authorization.ts';
import { svgToPng } from '../../shared/charts/png.ts';
import { csvRows } from '../../shared/csv-export.ts';
import { LanternError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { RowProblem } from '../ingestion/incident.types.ts';
import { familyApi } from './family.api.ts';
import { familyTrendChart } from './family.charts.ts';
import { ZFamilyDefinitionFormSchema, ZFamilyQuerySchema } from './family.schema.ts';
import {
  characteristicPhrase, describeFamily, FamilyFileRefused, familyComparison, getFamilyFigures, loadFamilyFile, saveFamilyDefinition,
  type FamilyComparison, type FamilyLoadResult,
} from './family.service.ts';
import { CHARACTERISTIC_DEFINITIONS, DEFAULT_K } from './similarity.ts';
import { FIGURE_COLUMNS, CHARACTERISTIC_COLUMNS } from './family-csv.ts';
import { MET_DENOMINATOR_RULE } from './met.loader.ts';
import { KNOWN_INDICATORS } from './indicator-codes.ts';
import { PERIOD_FORMS } from './period.ts';

type FormBody = Record<string, string | string[] | undefined>;
type FormError = { text: string; href: string; field: string };

const ZChartParams = z.object({ indicator: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/), format: z.enum(['svg', 'png']) });
const ZLoadedQuery = z.object({ loaded: z.coerce.number().int().optional(), replaced: z.coerce.number().int().optional(), kind: z.string().max(20).optional(), saved: z.string().max(3).optional() });

/** Sub-navigation: people who cannot manage the family see only the comparison. */
function familyTabs(request: FastifyRequest, active: 'family' | 'edit' | 'figures') {
  const tabs = [{ href: '/assessments/family', text: 'Family comparison', active: active === 'family' }];
  if (request.actor && can(request.actor, 'indicators:manage')) {
    tabs.push({ href: '/assessments/family/edit', text: 'Choose the family', active: active === 'edit' });
    tabs.push({ href: '/assessments/family/figures', text: 'Comparator figures', active: active === 'figures' });
  }
  return tabs;
}

function selectedIndicator(comparison: FamilyComparison, wanted: string | undefined) {
  return comparison.indicators.find((i) => i.code === wanted) ?? comparison.indicators.find((i) => i.trend.length > 0) ?? null;
}

export async function familyRoutes(app: FastifyInstance) {
  const db = app.handle.db;
  await app.register(familyApi);

  app.get('/assessments/family', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const query = request.query as FormBody;
    const parsed = ZFamilyQuerySchema.safeParse({ indicator: query.indicator || undefined });
    const errors = parsed.success ? [] : formErrors(parsed.error.issues);
    const comparison = await familyComparison(db, actorOf(request));
    const selected = selectedIndicator(comparison, parsed.success ? parsed.data.indicator : undefined);
    const flash = ZLoadedQuery.parse(request.query).saved ? 'The family has been saved.' : undefined;
    return renderPage(request, reply, 'family/index.njk', {
      title: 'Most similar partnerships (family)', comparison, selected, chart: selected ? familyTrendChart(selected, comparison.family.own.name) : null,
      usedPhrase: comparison.family.definition.characteristics.map(characteristicPhrase).join(', '), tabs: familyTabs(request, 'family'), errors, flash,
      indicatorItems: comparison.indicators.map((i) => ({ value: i.code, text: i.label, selected: i.code === selected?.code })),
    }, errors.length ? 400 : 200);
  });

  app.get('/assessments/family/chart/:indicator.:format', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { indicator, format } = ZChartParams.parse(request.params);
    const actor = actorOf(request);
    const comparison = await familyComparison(db, actor, { indicator });
    const selected = comparison.indicators.find((i) => i.code === indicator);
    const svg = selected ? familyTrendChart(selected, comparison.family.own.name) : null;
    if (!svg) throw new LanternError('not-found-or-no-access', 'There is no family chart for that indicator.');
    await recordAudit(db, actor, { action: 'family.export', recordType: 'family-chart', recordId: indicator, detail: { format, suppressed: comparison.suppression.suppress } });
    reply.header('content-disposition', `attachment; filename="family-${indicator}.${format}"`);
    return format === 'svg' ? reply.type('image/svg+xml').send(svg) : reply.type('image/png').send(await svgToPng(svg, { scale: 2 }));
  });

  app.get('/assessments/family/export.csv', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const query = ZFamilyQuerySchema.parse(request.query);
    const actor = actorOf(request);
    const comparison = await familyComparison(db, actor, query);
    const rows = comparison.indicators.flatMap((i) => i.periods.flatMap((p) => [
      [i.code, i.label, p.period.label, p.period.from, p.period.to, comparison.family.own.name, 'partnership', p.own?.numerator ?? (p.own?.suppressed ? 'withheld' : ''), p.own?.denominator ?? '', p.own?.rate ?? '', p.rank ?? '', p.familyAverage?.value ?? ''],
      ...p.members.map((m) => [i.code, i.label, p.period.label, p.period.from, p.period.to, m.name, m.code, m.numerator ?? (m.suppressed ? 'withheld' : ''), m.denominator ?? '', m.rate ?? '', '', p.familyAverage?.value ?? '']),
    ]));
    await recordAudit(db, actor, { action: 'family.export', recordType: 'family-table', recordId: query.indicator ?? null, detail: { format: 'csv', suppressed: comparison.suppression.suppress, rows: rows.length } });
    reply.header('content-disposition', `attachment; filename="family${query.indicator ? `-${query.indicator}` : ''}.csv"`);
    return reply.type('text/csv; charset=utf-8').send(csvRows(
      ['indicator', 'indicator_label', 'period', 'first_month', 'last_month', 'area', 'area_code', 'numerator', 'denominator', 'rate', 'rank', 'family_average'], rows));
  });

  const showEdit = async (request: FastifyRequest, reply: FastifyReply, errors: FormError[] = [], values?: { method: string; k: string; characteristics: string[]; members: string[] }) => {
    const family = await describeFamily(db, actorOf(request));
    const d = family.definition;
    const shown = values ?? { method: d.method, k: String(d.k), characteristics: d.characteristics, members: d.method === 'chosen' ? d.chosen : family.members.map((m) => m.code) };
    return renderPage(request, reply, 'family/edit.njk', {
      title: 'Choose the family', family, errors, tabs: familyTabs(request, 'edit'), defaultK: DEFAULT_K,
      values: shown,
      characteristicItems: CHARACTERISTIC_DEFINITIONS.map((c) => ({ value: c.key, text: c.label, hint: { text: c.unit }, checked: (shown.characteristics as string[]).includes(c.key) })),
      memberItems: family.candidates.map((m) => ({
        value: m.code, text: `${m.name} (${m.code})`, checked: shown.members.includes(m.code),
        hint: { text: [
          m.distance !== null ? `Distance ${m.distance.toFixed(2)}` : 'Cannot be placed: characteristics missing',
          m.characteristics.density !== null ? `${Math.round(m.characteristics.density).toLocaleString('en-GB')} residents per km²` : null,
          m.characteristics.deprivedShare !== null ? `${(m.characteristics.deprivedShare * 100).toFixed(1)}% in the most deprived fifth` : null,
        ].filter(Boolean).join(' · ') },
      })),
    }, errors.length ? 400 : 200);
  };

  app.get('/assessments/family/edit', { preHandler: pageAccess('indicators:manage') }, async (request, reply) => showEdit(request, reply));

  app.post('/assessments/family/edit', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const values = { method: String(body.method ?? ''), k: String(body.k ?? ''), characteristics: asList(body.characteristics), members: asList(body.members) };
    try {
      const input = ZFamilyDefinitionFormSchema.parse(body);
      await saveFamilyDefinition(db, actorOf(request), input);
      return reply.redirect('/assessments/family?saved=yes');
    } catch (error) {
      if (error instanceof ZodError) return showEdit(request, reply, formErrors(error.issues), values);
      if (error instanceof LanternError && error.code === 'invalid-input') return showEdit(request, reply, [{ text: error.message, href: '#members', field: 'members' }], values);
      throw error;
    }
  });

  const showFigures = async (request: FastifyRequest, reply: FastifyReply, options: { problems?: RowProblem[]; message?: string; flash?: string | undefined } = {}) => {
    const figures = await getFamilyFigures(db, actorOf(request));
    const errors = options.message ? [{ text: options.message, href: '#figures-file', field: 'figures-file' }] : [];
    return renderPage(request, reply, 'family/figures.njk', {
      title: 'Comparator figures', ...figures, errors, problems: options.problems ?? [], flash: options.flash, tabs: familyTabs(request, 'figures'),
      figureColumns: FIGURE_COLUMNS, characteristicColumns: CHARACTERISTIC_COLUMNS, knownIndicators: KNOWN_INDICATORS, periodForms: PERIOD_FORMS, metRule: MET_DENOMINATOR_RULE,
    }, options.message ? 422 : 200);
  };

  app.get('/assessments/family/figures', { preHandler: pageAccess('indicators:manage') }, async (request, reply) => {
    const q = ZLoadedQuery.parse(request.query);
    const flash = q.loaded === undefined ? undefined
      : q.kind === 'characteristics' ? `Characteristics loaded for ${q.loaded} area${q.loaded === 1 ? '' : 's'} (${q.replaced ?? 0} replaced what was held).`
        : `${q.loaded.toLocaleString('en-GB')} figure${q.loaded === 1 ? '' : 's'} loaded (${(q.replaced ?? 0).toLocaleString('en-GB')} replaced figures already held).`;
    return showFigures(request, reply, { flash });
  });

  // Multipart: the CSRF token travels in the query string, because the body is streamed.
  app.post('/assessments/family/figures', { preHandler: [pageAccess('indicators:manage'), app.csrfProtection] }, async (request, reply) => {
    let result: FamilyLoadResult | null = null;
    try {
      await eachUploadedFile(request, async ({ stream, fileName }) => {
        if (result !== null) {
          stream.resume();
          throw new LanternError('invalid-input', 'Load one file at a time.');
        }
        result = await loadFamilyFile(db, actorOf(request), { fileName, input: stream });
      });
    } catch (error) {
      if (error instanceof FamilyFileRefused) return showFigures(request, reply, { problems: error.problems, message: error.message });
      if (error instanceof LanternError && error.code === 'invalid-input') return showFigures(request, reply, { message: error.message });
      throw error;
    }
    const loaded = result as FamilyLoadResult | null;
    return reply.redirect(`/assessments/family/figures?loaded=${loaded!.rows}&replaced=${loaded!.replaced}&kind=${loaded!.kind}`);
  });
}
