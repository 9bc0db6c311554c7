import { Command, Option } from 'commander';
import { withDatabase } from './database.ts';
import { runImport } from './import.command.ts';
import { runServe } from './serve.command.ts';
import { runDemo } from './demo.command.ts';
import { runFamilyLoad } from './family.command.ts';
import { runStats, runTokenCreate, runRetention, runPartnershipCreate, runUserCreate } from './admin.commands.ts';
import { inferIstvPeriod } from './istv-period.ts';
import { runAssessmentPublish } from './assessment.command.ts';
import { LanternError } from '../shared/errors.ts';

// Commands other than `serve` exit as soon as they are done, with their own code, even if
// a library leaves a timer or socket open.
let serving = false;
const program = new Command();
program.name('lantern').description('Lantern: one shared, lawful picture of community safety.').showHelpAfterError();

program.command('serve')
  .description('Start the web app (embedded PostgreSQL unless DATABASE_URL is set)')
  .option('--port <port>', 'port to listen on', (v) => Number(v), Number(process.env.PORT ?? 3000))
  .option('--host <host>', 'address to listen on', process.env.HOST ?? '127.0.0.1')
  .option('--demo', 'load the synthetic demo partnership when the database is empty')
  .action(async (options: { port: number; host: string; demo?: boolean }) => {
    serving = true;
    await runServe(options);
  });

const importCommand = program.command('import').description('Import depersonalised data files under an agreement');
const common = (command: Command) => command
  .requiredOption('--partnership <slug>', 'partnership slug')
  .option('--agency <name>', 'the sharing agency, when several share this dataset')
  .option('--quarantine', 'import the valid rows and quarantine the rest, instead of refusing the file')
  .option('--quiet', 'no progress bar');

common(importCommand.command('police-uk'))
  .description('police.uk street-level crime CSV files, exactly as downloaded')
  .argument('<files...>')
  .action(async (files: string[], options: { partnership: string; agency?: string; quarantine?: boolean; quiet?: boolean }) => {
    process.exitCode = await withDatabase((handle) => runImport(handle, {
      partnership: options.partnership, kind: 'police-uk', files, mode: options.quarantine ? 'quarantine' : 'all-or-nothing', ...pick(options),
    }));
  });

common(importCommand.command('istv'))
  .description('A&E assault attendances to the ISTV minimum dataset (CSV)')
  .requiredOption('--site <code>', 'SITE CODE (OF TREATMENT), the ODS code of the A&E department')
  .option('--period <from..to>', 'reporting period, YYYY-MM-DD..YYYY-MM-DD (default: the whole months the file covers)')
  .argument('<file>')
  .action(async (file: string, options: { partnership: string; site: string; period?: string; agency?: string; quarantine?: boolean; quiet?: boolean }) => {
    const period = options.period ? parsePeriod(options.period) : await inferIstvPeriod(file, options.site);
    process.exitCode = await withDatabase((handle) => runImport(handle, {
      partnership: options.partnership, kind: 'istv', files: [file], mode: options.quarantine ? 'quarantine' : 'all-or-nothing',
      istv: { ...period, siteCode: options.site.toUpperCase() }, ...pick(options),
    }));
  });

common(importCommand.command('incidents'))
  .description('Any other incident list (CSV or XLSX) with a column mapping, saved for next time')
  .requiredOption('--source <name>', 'the dataset name, as in the agreement (e.g. council-asb)')
  .option('--mapping <file>', 'column mapping JSON (saved and reused; omit to use the saved one)')
  .argument('<files...>')
  .action(async (files: string[], options: { partnership: string; source: string; mapping?: string; agency?: string; quarantine?: boolean; quiet?: boolean }) => {
    process.exitCode = await withDatabase((handle) => runImport(handle, {
      partnership: options.partnership, kind: 'incidents', files, source: options.source, mode: options.quarantine ? 'quarantine' : 'all-or-nothing',
      ...(options.mapping ? { mappingFile: options.mapping } : {}), ...pick(options),
    }));
  });

const family = program.command('family').description('Most similar partnerships: load other partnerships\' figures and characteristics');
family.command('load')
  .description('Comparator figures (area code, area name, indicator, period, numerator, denominator) or characteristics CSV')
  .requiredOption('--partnership <slug>', 'partnership slug').option('--quiet', 'no progress')
  .argument('<csv>')
  .action(async (csv: string, options: { partnership: string; quiet?: boolean }) => {
    process.exitCode = await withDatabase((handle) => runFamilyLoad(handle, { partnership: options.partnership, file: csv, ...(options.quiet ? { quiet: true } : {}) }));
  });
family.command('load-met')
  .description('Every London borough from the Metropolitan Police recorded-crime files, with their characteristics (a folder laid out like shared/data)')
  .requiredOption('--partnership <slug>', 'partnership slug').option('--quiet', 'no progress')
  .argument('<dir>')
  .action(async (dir: string, options: { partnership: string; quiet?: boolean }) => {
    process.exitCode = await withDatabase((handle) => runFamilyLoad(handle, { partnership: options.partnership, metDir: dir, ...(options.quiet ? { quiet: true } : {}) }));
  });

program.command('stats')
  .description('What has been shared, per source')
  .requiredOption('--partnership <slug>', 'partnership slug')
  .option('--json', 'print JSON')
  .action(async (options: { partnership: string; json?: boolean }) => {
    await withDatabase((handle) => runStats(handle, options.partnership, options.json ?? false));
  });

program.command('demo')
  .description('Load the synthetic demo partnership, or with --real build city-of-london from open data')
  .option('--real <dir>', 'a folder laid out like shared/data (police-uk/, boundaries/, areas/)')
  .option('--seed <seed>', 'seed of the synthetic generator', '20261122')
  .action(async (options: { real?: string; seed: string }) => {
    await withDatabase((handle) => runDemo(handle, options));
  });

const token = program.command('token').description('API tokens for scripts and automated feeds');
token.command('create')
  .requiredOption('--partnership <slug>', 'partnership slug')
  .addOption(new Option('--role <role>', 'role the token acts with').choices(['partnership-admin', 'analyst', 'data-provider', 'practitioner', 'viewer']).makeOptionMandatory())
  .option('--agency <name>', 'the agency it acts for (default: the first agency)')
  .option('--name <name>', 'what will use it', 'cli token')
  .action(async (options: { partnership: string; role: string; agency?: string; name: string }) => {
    await withDatabase((handle) => runTokenCreate(handle, options));
  });

const assessment = program.command('assessment').description('Strategic assessments and violence problem profiles');
assessment.command('publish')
  .description('Generate the assessment for a period from the shared data, publish it, and write its HTML and PDF')
  .requiredOption('--partnership <slug>', 'partnership slug')
  .requiredOption('--period <from..to>', 'months, for example 2024-04..2025-03')
  .requiredOption('--out <dir>', 'folder to write the HTML and PDF to')
  .addOption(new Option('--template <template>', 'which document').choices(['strategic-assessment', 'violence-problem-profile']).default('strategic-assessment'))
  .option('--quiet', 'no progress lines')
  .action(async (options: { partnership: string; period: string; out: string; template: 'strategic-assessment' | 'violence-problem-profile'; quiet?: boolean }) => {
    await withDatabase((handle) => runAssessmentPublish(handle, options));
  });

program.command('retention')
  .description('Delete data whose agreement retention period has passed (run daily)')
  .action(async () => {
    await withDatabase((handle) => runRetention(handle));
  });

program.command('partnership-create')
  .description('Create an empty partnership')
  .requiredOption('--slug <slug>').requiredOption('--name <name>')
  .action(async (options: { slug: string; name: string }) => {
    await withDatabase((handle) => runPartnershipCreate(handle, options));
  });

program.command('user-create')
  .description('Create a user (password from LANTERN_PASSWORD); creates the agency if new')
  .requiredOption('--partnership <slug>').requiredOption('--email <email>').requiredOption('--name <name>')
  .requiredOption('--agency <name>').option('--agency-type <type>', 'type of a new agency', 'local-authority')
  .addOption(new Option('--role <role>').choices(['partnership-admin', 'analyst', 'data-provider', 'practitioner', 'viewer']).makeOptionMandatory())
  .action(async (options: { partnership: string; email: string; name: string; agency: string; agencyType: string; role: string }) => {
    await withDatabase((handle) => runUserCreate(handle, options));
  });

function pick(options: { agency?: string; quiet?: boolean }) {
  return { ...(options.agency ? { agency: options.agency } : {}), ...(options.quiet ? { quiet: true } : {}) };
}

function parsePeriod(value: string): { periodStart: string; periodEnd: string } {
  const match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(value);
  if (!match) throw new LanternError('invalid-input', `--period must look like 2025-04-01..2025-04-30, not "${value}".`);
  return { periodStart: match[1]!, periodEnd: match[2]! };
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof LanternError || (error instanceof Error && error.name === 'GeographyError')) {
    console.error(`lantern: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 70;
  }
}
if (!serving) process.exit(process.exitCode ?? 0);
