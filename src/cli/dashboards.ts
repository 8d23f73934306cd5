import { parseArgs } from 'node:util';
import { installSavedObjects } from '../app/dashboards';
import { ExitCodes, loadConfigOrReport, reportFailure, writeLine, type CliIo } from './io';

export const dashboardsUsage = `usage: ira dashboards install [--kibana <url>] [--opensearch-dashboards <url>] [--json]

Imports ira's saved objects (data views, saved searches, visualisations, the dashboard) from dashboards/ through each
product's saved-objects import API, overwriting earlier versions. Data views follow IRA_INDEX_PREFIX.
Credentials: IRA_DASHBOARDS_API_KEY (Kibana), or IRA_DASHBOARDS_USERNAME and IRA_DASHBOARDS_PASSWORD (both).`;

const options = {
  kibana: { type: 'string' },
  'opensearch-dashboards': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function runDashboardsCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    writeLine(io.stderr, `ira dashboards: ${(error as Error).message}\n${dashboardsUsage}`);
    return ExitCodes.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    writeLine(io.stdout, dashboardsUsage);
    return ExitCodes.ok;
  }
  if (positionals.length !== 1 || positionals[0] !== 'install' || (values.kibana === undefined && values['opensearch-dashboards'] === undefined)) {
    writeLine(io.stderr, `ira dashboards: give install and at least one of --kibana, --opensearch-dashboards\n${dashboardsUsage}`);
    return ExitCodes.usage;
  }
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  try {
    const targets = {
      ...(values.kibana === undefined ? {} : { kibana: values.kibana }),
      ...(values['opensearch-dashboards'] === undefined ? {} : { opensearchDashboards: values['opensearch-dashboards'] }),
    };
    const reports = await installSavedObjects(config, targets, io.signal);
    if (values.json) writeLine(io.stdout, JSON.stringify({ imported: reports }, null, 2));
    else for (const report of reports) writeLine(io.stdout, `${report.product}: imported ${report.successCount} saved objects from ${report.file} into ${report.url}`);
    return ExitCodes.ok;
  } catch (error) {
    reportFailure(io, 'dashboards install', error);
    return ExitCodes.failed;
  }
}
