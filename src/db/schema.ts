import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Typed view of the tables in migrations/ for Kysely. Keep in step with the SQL. */

type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type Role = 'partnership-admin' | 'analyst' | 'data-provider' | 'practitioner' | 'viewer';
export type AgencyType =
  | 'police' | 'local-authority' | 'fire-and-rescue' | 'probation' | 'health' | 'ae-site'
  | 'ambulance' | 'youth-offending' | 'education' | 'voluntary-sector';
export type SourceKind = 'police-uk' | 'istv' | 'incidents';
export type LocationStatus = 'located' | 'no-location' | 'outside-area';

export type PartnershipsTable = {
  id: Generated<number>;
  slug: string;
  name: string;
  synthetic: Generated<boolean>;
  suppression_threshold: Generated<number>;
  /** Bumped whenever the analysis counts change (migration 0006). */
  data_version: Generated<number>;
  created_at: CreatedAt;
};

export type AgenciesTable = {
  id: Generated<number>;
  partnership_id: number;
  name: string;
  type: AgencyType;
  ods_code: string | null;
  created_at: CreatedAt;
};

export type UsersTable = {
  id: Generated<number>;
  partnership_id: number;
  agency_id: number;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
};

export type SessionsTable = {
  id_hash: string;
  partnership_id: number;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Date;
};

export type ApiTokensTable = {
  id: Generated<number>;
  partnership_id: number;
  agency_id: number;
  role: Role;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
};

export type AreasTable = {
  id: Generated<number>;
  partnership_id: number;
  type: string;
  code: string;
  name: string;
  geometry: Json | null;
  population: number | null;
  population_by_age: Json | null;
  imd_rank: number | null;
  imd_decile: number | null;
  updated_at: CreatedAt;
};

export type AreaLinksTable = { partnership_id: number; child_id: number; parent_id: number };

export type AgreementsTable = {
  id: Generated<number>;
  partnership_id: number;
  title: string;
  purpose: string;
  legal_basis: string;
  datasets: string[];
  fields_shared: string;
  retention_months: number;
  record_level_export: Generated<boolean>;
  start_date: ColumnType<string, string, string>;
  review_date: ColumnType<string, string, string>;
  end_date: ColumnType<string | null, string | null, string | null>;
  created_by: number | null;
  created_at: CreatedAt;
};

export type AgreementPartiesTable = { partnership_id: number; agreement_id: number; agency_id: number };

export type SourcesTable = {
  id: Generated<number>;
  partnership_id: number;
  slug: string;
  kind: SourceKind;
  name: string;
  created_at: CreatedAt;
};

export type ColumnMappingsTable = {
  id: Generated<number>;
  partnership_id: number;
  source_id: number;
  mapping: Json;
  updated_by: number | null;
  updated_at: CreatedAt;
};

export type CategoriesTable = { partnership_id: number; code: string; label: string };
export type CategoryMapTable = { partnership_id: number; source_kind: string; source_category: string; category_code: string };

export type UploadsTable = {
  id: Generated<number>;
  partnership_id: number;
  source_id: number;
  agency_id: number;
  agreement_id: number;
  user_id: number | null;
  token_id: number | null;
  channel: 'web' | 'cli' | 'api' | 'demo';
  file_name: string;
  sha256: string;
  mode: 'all-or-nothing' | 'quarantine';
  status: 'imported' | 'refused' | 'withdrawn';
  rows_total: number;
  rows_imported: number;
  rows_replaced: number;
  rows_rejected: number;
  rows_quarantined: number;
  rows_without_location: number;
  rows_outside_area: number;
  encoding: string | null;
  report: Json;
  started_at: Date;
  finished_at: CreatedAt;
  withdrawn_at: Date | null;
  withdrawn_by: number | null;
  rows_withdrawn: Generated<number>;
};

export type IncidentsTable = {
  partnership_id: number;
  source_id: number;
  upload_id: number;
  /** The row's batch, numbered within its upload (see BatchesTable). */
  batch_no: number;
  line: number;
  source_ref: string | null;
  month: ColumnType<string, string, string>;
  occurred_at: Date | null;
  category: string;
  source_category: string;
  outcome: string | null;
  location_desc: string | null;
  lon: number | null;
  lat: number | null;
  easting: number | null;
  northing: number | null;
  location_status: LocationStatus;
  lsoa11_id: number | null;
  lsoa21_id: number | null;
  ward_id: number | null;
  lad_id: number | null;
  attributes: Json | null;
};

/** Which upload holds each batch key, and the batch's number within that upload. */
export type BatchesTable = { partnership_id: number; source_id: number; batch_key: string; upload_id: number; batch_no: number };

export type QuarantinedRowsTable = {
  id: Generated<string>;
  partnership_id: number;
  upload_id: number;
  line: number;
  problems: Json;
  raw: Json;
};

export type DataQualityFindingsTable = {
  id: Generated<string>;
  partnership_id: number;
  upload_id: number;
  kind: string;
  summary: string;
  detail: Json;
  row_count: number;
};

export type AuditEventsTable = {
  id: Generated<string>;
  partnership_id: number;
  at: CreatedAt;
  actor_user_id: number | null;
  actor_token_id: number | null;
  actor_label: string;
  agency_id: number | null;
  action: string;
  record_type: string;
  record_id: string | null;
  detail: Json;
  prev_hash: string;
  hash: string;
};

/** Analysis counts maintained on import (migration 0004). */
export type IncidentCountsTable = {
  partnership_id: number;
  source_id: number;
  upload_id: number;
  batch_no: number;
  month: string;
  category: string;
  source_category: string;
  location_status: LocationStatus;
  lsoa11_id: number | null;
  lsoa21_id: number | null;
  ward_id: number | null;
  lad_id: number | null;
  weekday: number | null;
  hour: number | null;
  n: number;
};

export type IncidentCellCountsTable = Omit<IncidentCountsTable, 'location_status'> & { cell_e: number; cell_n: number };

export type PremisesTable = {
  id: Generated<number>;
  partnership_id: number;
  name: string;
  address: string;
  postcode: string;
  lon: number | null;
  lat: number | null;
  easting: number | null;
  northing: number | null;
  licensed_hours: string | null;
  name_norm: string;
  address_norm: string;
  imported_at: CreatedAt;
  removed_at: Date | null;
};

export type VenueAliasStatus = 'matched' | 'review' | 'confirmed' | 'rejected' | 'no-match';

export type VenueAliasesTable = {
  partnership_id: number;
  description_norm: string;
  premises_id: number | null;
  score: Generated<number>;
  status: VenueAliasStatus;
  candidates: ColumnType<unknown, string | undefined, string>;
  matched_at: CreatedAt;
  decided_by: string | null;
  decided_at: Date | null;
};

export type VenueAliasTextsTable = { partnership_id: number; location_desc: string; description_norm: string };

export type AssessmentTemplate = 'strategic-assessment' | 'violence-problem-profile';

export type AssessmentsTable = {
  id: Generated<number>;
  partnership_id: number;
  template: AssessmentTemplate;
  title: string;
  period_from: string;
  period_to: string;
  created_by: string;
  created_at: Generated<Date>;
};

export type AssessmentVersionsTable = {
  id: Generated<number>;
  partnership_id: number;
  assessment_id: number;
  version: number;
  status: 'draft' | 'published';
  evidence: Json;
  narrative: ColumnType<unknown, string | undefined, string>;
  concern: ColumnType<unknown, string | undefined, string>;
  change_note: Generated<string>;
  created_by: string;
  created_at: Generated<Date>;
  html: string | null;
  pdf: Buffer | null;
};

/** Cost of crime: a partnership's own figures and settings (migration 0009). */
export type CostSettingsTable = {
  partnership_id: number;
  index_base: number | null;
  index_current: number | null;
  index_current_label: string | null;
  index_source: string | null;
  updated_by: string;
  updated_at: CreatedAt;
};

export type CostUnitOverridesTable = {
  partnership_id: number;
  cost_category: string;
  total: number | null;
  components: ColumnType<unknown, string | undefined, string>;
  source: string;
  updated_by: string;
  updated_at: CreatedAt;
};

export type CostRulesTable = {
  partnership_id: number;
  rule_key: string;
  mix: ColumnType<unknown, string, string>;
  treatment: 'total' | 'note';
  basis: string;
  updated_by: string;
  updated_at: CreatedAt;
};

/** Most similar partnerships (migration 0008): comparator figures, characteristics, the chosen family. */
export type FamilyLoadsTable = {
  id: Generated<number>;
  partnership_id: number;
  kind: 'figures' | 'characteristics' | 'met';
  file_name: string;
  sha256: string | null;
  rows_loaded: number;
  rows_replaced: Generated<number>;
  areas: number;
  indicators: ColumnType<string[], string[] | undefined, string[]>;
  loaded_by: string;
  loaded_at: CreatedAt;
};

export type FamilyAreasTable = {
  partnership_id: number;
  code: string;
  name: string;
  population: number | null;
  area_km2: number | null;
  deprived_share: number | null;
  imd_mean_rank: number | null;
  aged_0_15: number | null;
  aged_16_29: number | null;
  aged_65_plus: number | null;
  characteristics_source: string | null;
  updated_at: CreatedAt;
};

export type FamilyFiguresTable = {
  partnership_id: number;
  indicator: string;
  area_code: string;
  first_month: ColumnType<string, string, string>;
  last_month: ColumnType<string, string, string>;
  age_band: Generated<string>;
  numerator: number;
  denominator: number;
  multiplier: number;
  load_id: number;
};

export type FamilyDefinitionsTable = {
  partnership_id: number;
  method: 'nearest' | 'chosen';
  k: number;
  characteristics: string[];
  members: ColumnType<string[], string[] | undefined, string[]>;
  updated_by: string;
  updated_at: CreatedAt;
};

/** Custom outcome indicators (migration 0007); the built-in ones are code constants. */
export type IndicatorsTable = {
  id: Generated<number>;
  partnership_id: number;
  code: string;
  name: string;
  source_slugs: string[];
  categories: string[];
  source_categories: string[];
  multiplier: number;
  polarity: 'low-is-good' | 'high-is-good' | 'none';
  note: Generated<string>;
  created_by: number | null;
  created_at: CreatedAt;
};

export type Database = {
  partnerships: PartnershipsTable;
  agencies: AgenciesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  areas: AreasTable;
  area_links: AreaLinksTable;
  agreements: AgreementsTable;
  agreement_parties: AgreementPartiesTable;
  sources: SourcesTable;
  column_mappings: ColumnMappingsTable;
  categories: CategoriesTable;
  category_map: CategoryMapTable;
  uploads: UploadsTable;
  incidents: IncidentsTable;
  batches: BatchesTable;
  incident_counts: IncidentCountsTable;
  incident_cell_counts: IncidentCellCountsTable;
  quarantined_rows: QuarantinedRowsTable;
  data_quality_findings: DataQualityFindingsTable;
  audit_events: AuditEventsTable;
  premises: PremisesTable;
  venue_aliases: VenueAliasesTable;
  venue_alias_texts: VenueAliasTextsTable;
  indicators: IndicatorsTable;
  family_loads: FamilyLoadsTable;
  family_areas: FamilyAreasTable;
  family_figures: FamilyFiguresTable;
  family_definitions: FamilyDefinitionsTable;
  cost_settings: CostSettingsTable;
  cost_unit_overrides: CostUnitOverridesTable;
  cost_rules: CostRulesTable;
  assessments: AssessmentsTable;
  assessment_versions: AssessmentVersionsTable;
};

export type Partnership = Selectable<PartnershipsTable>;
export type Agency = Selectable<AgenciesTable>;
export type User = Selectable<UsersTable>;
export type Agreement = Selectable<AgreementsTable>;
export type Source = Selectable<SourcesTable>;
export type Upload = Selectable<UploadsTable>;
export type NewUpload = Insertable<UploadsTable>;
export type Premises = Selectable<PremisesTable>;
export type VenueAlias = Selectable<VenueAliasesTable>;
