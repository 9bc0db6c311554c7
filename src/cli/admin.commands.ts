import type { DatabaseHandle } from '../db/connection.ts';
import type { AgencyType, Role } from '../db/schema.ts';
import { runRetentionJob } from '../modules/agreements/retention.service.ts';
import { getSourceStatistics } from '../modules/ingestion/data.service.ts';
import { toStatsJson } from '../modules/ingestion/ingestion.api.ts';
import { addAgency, addUser, createApiToken, createPartnership, listAgencies, requirePartnershipBySlug } from '../modules/partnerships/partnership.service.ts';
import { systemActor } from '../shared/authorization.ts';
import { LanternError } from '../shared/errors.ts';

export async function runStats(handle: DatabaseHandle, slug: string, json: boolean): Promise<void> {
  const partnership = await requirePartnershipBySlug(handle.db, slug);
  const sources = (await getSourceStatistics(handle.db, systemActor(partnership.id, 'cli'))).map(toStatsJson);
  if (json) {
    console.log(JSON.stringify({ partnership: slug, sources }, null, 2));
    return;
  }
  for (const s of sources) {
    const months = s.months.length ? `${s.months[0]} to ${s.months[s.months.length - 1]} (${s.months.length} months)` : 'no months';
    console.log(`${s.source}: ${s.rows} rows, ${s.withoutLocation} without location, ${s.outsideArea} outside the area, ${s.quarantined} quarantined; ${months}`);
  }
}

export async function runTokenCreate(handle: DatabaseHandle, options: { partnership: string; role: string; agency?: string; name: string }): Promise<void> {
  const partnership = await requirePartnershipBySlug(handle.db, options.partnership);
  const agencies = await listAgencies(handle.db, partnership.id);
  const agency = options.agency ? agencies.find((a) => a.name.toLowerCase() === options.agency!.toLowerCase()) : agencies[0];
  if (!agency) throw new LanternError('invalid-input', options.agency ? `No agency called "${options.agency}" in ${options.partnership}.` : `${options.partnership} has no agencies yet.`);
  const { token } = await createApiToken(handle.db, systemActor(partnership.id, 'cli'), { agencyId: agency.id, role: options.role as Role, name: options.name });
  console.log(`Token for ${agency.name} (${options.role}) in ${options.partnership}. It is shown once; store it safely:`);
  console.log(token);
}

export async function runRetention(handle: DatabaseHandle): Promise<void> {
  const results = await runRetentionJob(handle.db);
  const deleted = results.reduce((sum, r) => sum + r.deleted, 0);
  for (const r of results) console.log(`${r.partnership}: deleted ${r.deleted} rows of "${r.agreement}" past ${r.retentionMonths} months`);
  console.log(`retention: deleted ${deleted} rows`);
}

export async function runPartnershipCreate(handle: DatabaseHandle, options: { slug: string; name: string }): Promise<void> {
  const partnership = await createPartnership(handle.db, { slug: options.slug, name: options.name, synthetic: false });
  console.log(`Created partnership ${partnership.slug}.`);
}

export async function runUserCreate(handle: DatabaseHandle, options: { partnership: string; email: string; name: string; agency: string; agencyType: string; role: string }): Promise<void> {
  const password = process.env.LANTERN_PASSWORD;
  if (!password) throw new LanternError('invalid-input', 'Set LANTERN_PASSWORD to the new user\'s first password (at least 12 characters).');
  const partnership = await requirePartnershipBySlug(handle.db, options.partnership);
  const actor = systemActor(partnership.id, 'cli');
  const agencies = await listAgencies(handle.db, partnership.id);
  const agency = agencies.find((a) => a.name === options.agency) ?? await addAgency(handle.db, actor, { name: options.agency, type: options.agencyType as AgencyType });
  const user = await addUser(handle.db, actor, { email: options.email, displayName: options.name, agencyId: agency.id, role: options.role as Role, password });
  console.log(`Created ${user.email} (${user.role}) for ${agency.name}.`);
}
