import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ErrorCodes, IraError } from '../../errors';

/**
 * Imports the saved objects of `dashboards/` through each product's saved-objects import API:
 * Kibana 8 `POST <kibana>/api/saved_objects/_import?overwrite=true` (header `kbn-xsrf`) and OpenSearch Dashboards 2
 * `POST <osd>/api/saved_objects/_import?overwrite=true` (header `osd-xsrf`), each a multipart form whose `file`
 * part is the ndjson. A base URL may carry a Kibana space (`https://kibana:5601/s/soc`).
 */
export type DashboardsProduct = 'kibana' | 'opensearch-dashboards';

export type DashboardsAuth = { apiKey: string } | { username: string; password: string };

export interface InstallDashboardsOptions {
  /** Kibana base URL (`--kibana`). */
  kibana?: string | undefined;
  /** OpenSearch Dashboards base URL (`--opensearch-dashboards`). */
  opensearchDashboards?: string | undefined;
  /** `Authorization: ApiKey …` (Kibana) or basic auth (both). */
  auth?: DashboardsAuth | undefined;
  /** The index prefix the data views should match (IRA_INDEX_PREFIX); the files are written for `ira`. */
  indexPrefix?: string | undefined;
  /** The folder holding `kibana/` and `opensearch-dashboards/`; default: the `dashboards/` folder of this install. */
  dashboardsDir?: string | undefined;
  fetch?: typeof fetch | undefined;
}

export interface ImportReport {
  product: DashboardsProduct;
  url: string;
  file: string;
  successCount: number;
}

interface ImportAnswer {
  success?: boolean;
  successCount?: number;
  errors?: { id?: string; type?: string; error?: { type?: string; message?: string } }[];
}

const XSRF_HEADER: Record<DashboardsProduct, string> = { kibana: 'kbn-xsrf', 'opensearch-dashboards': 'osd-xsrf' };
const PRODUCT_NAME: Record<DashboardsProduct, string> = { kibana: 'Kibana', 'opensearch-dashboards': 'OpenSearch Dashboards' };

/** Installs every ndjson file of each product named in `options`; one report per file imported. */
export async function installDashboards(options: InstallDashboardsOptions, signal: AbortSignal): Promise<ImportReport[]> {
  const targets: [DashboardsProduct, string][] = [];
  if (options.kibana) targets.push(['kibana', options.kibana]);
  if (options.opensearchDashboards) targets.push(['opensearch-dashboards', options.opensearchDashboards]);
  if (targets.length === 0) {
    throw new IraError(ErrorCodes.configInvalid, 'dashboards install: give --kibana URL or --opensearch-dashboards URL');
  }
  const directory = options.dashboardsDir ?? findDashboardsDir(__dirname);
  const reports: ImportReport[] = [];
  for (const [product, baseUrl] of targets) {
    const folder = join(directory, product);
    const files = (await readdir(folder)).filter((name) => name.endsWith('.ndjson')).sort();
    if (files.length === 0) throw new IraError(ErrorCodes.configInvalid, `dashboards install: no .ndjson file in ${folder}`);
    for (const file of files) {
      const ndjson = withIndexPrefix(await readFile(join(folder, file), 'utf8'), options.indexPrefix ?? 'ira');
      const successCount = await importSavedObjects({ product, baseUrl, ndjson, fileName: file, auth: options.auth, fetch: options.fetch }, signal);
      reports.push({ product, url: baseUrl, file, successCount });
    }
  }
  return reports;
}

export interface ImportRequest {
  product: DashboardsProduct;
  baseUrl: string;
  ndjson: string;
  fileName: string;
  auth?: DashboardsAuth | undefined;
  fetch?: typeof fetch | undefined;
}

/** One import call; returns how many objects the product imported, or throws IraError. */
export async function importSavedObjects(request: ImportRequest, signal: AbortSignal): Promise<number> {
  const name = PRODUCT_NAME[request.product];
  const url = `${request.baseUrl.replace(/\/+$/, '')}/api/saved_objects/_import?overwrite=true`;
  const form = new FormData();
  form.append('file', new Blob([request.ndjson], { type: 'application/ndjson' }), request.fileName);
  const headers: Record<string, string> = { [XSRF_HEADER[request.product]]: 'true', ...authorization(request.auth) };
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(url, { method: 'POST', headers, body: form, signal });
  } catch (error) {
    if (signal.aborted) throw new IraError(ErrorCodes.aborted, `${name} import aborted`, { cause: error });
    throw new IraError(ErrorCodes.storeUnavailable, `${name} unreachable at ${request.baseUrl}`, { retryable: true, cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    const retryable = response.status === 429 || response.status >= 500;
    const hint = response.status === 401 || response.status === 403 ? ' (check the API key or user name and password)' : '';
    throw new IraError(
      retryable ? ErrorCodes.storeUnavailable : ErrorCodes.storeRejected,
      `${name} import of ${request.fileName}: HTTP ${response.status}${hint}: ${text.slice(0, 300)}`,
      { retryable, details: { product: request.product, statusCode: response.status } },
    );
  }
  const answer = parseAnswer(text);
  if (answer?.success !== true) {
    const errors = (answer?.errors ?? []).slice(0, 5).map((item) => `${item.type ?? '?'}/${item.id ?? '?'}: ${item.error?.type ?? ''} ${item.error?.message ?? ''}`.trim());
    throw new IraError(ErrorCodes.storeRejected, `${name} refused part of ${request.fileName}: ${errors.join('; ') || text.slice(0, 300)}`, {
      details: { product: request.product, errors: answer?.errors ?? [] },
    });
  }
  return answer.successCount ?? 0;
}

function authorization(auth: DashboardsAuth | undefined): Record<string, string> {
  if (!auth) return {};
  if ('apiKey' in auth) return { Authorization: `ApiKey ${auth.apiKey}` };
  return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

function parseAnswer(text: string): ImportAnswer | undefined {
  try {
    return JSON.parse(text) as ImportAnswer;
  } catch {
    return undefined;
  }
}

/** The files name data views `ira-<index>*`; another prefix rewrites those titles, nothing else. */
export function withIndexPrefix(ndjson: string, prefix: string): string {
  if (prefix === 'ira') return ndjson;
  return ndjson
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      const object = JSON.parse(line) as { type?: string; attributes?: { title?: string } };
      if (object.type !== 'index-pattern' || !object.attributes?.title?.startsWith('ira-')) return line;
      object.attributes.title = `${prefix}-${object.attributes.title.slice('ira-'.length)}`;
      return JSON.stringify(object);
    })
    .join('\n');
}

/** `dashboards/` beside the package root, from the source tree or from the compiled `dist/` tree. */
function findDashboardsDir(start: string): string {
  for (let directory = start; ; directory = dirname(directory)) {
    const candidate = join(directory, 'dashboards');
    if (existsSync(join(candidate, 'kibana'))) return candidate;
    if (dirname(directory) === directory) return resolve('dashboards');
  }
}
