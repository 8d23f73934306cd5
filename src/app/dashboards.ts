import { installDashboards, type ImportReport } from '../adapters/dashboards/install-saved-objects';
import type { Config } from '../config';

/** `ira dashboards install`: the saved objects of dashboards/ into Kibana and/or OpenSearch Dashboards. */
export function installSavedObjects(
  config: Config,
  targets: { readonly kibana?: string; readonly opensearchDashboards?: string },
  signal: AbortSignal,
): Promise<ImportReport[]> {
  return installDashboards(
    { ...targets, auth: config.dashboards.auth, indexPrefix: config.store.indexPrefix },
    signal,
  );
}
