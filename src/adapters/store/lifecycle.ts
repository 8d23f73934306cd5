import alertsTemplate from '../../../mappings/ira-alerts.json';
import ilmPolicy from '../../../mappings/lifecycle/ilm-ira.json';
import ismPolicy from '../../../mappings/lifecycle/ism-ira.json';
import { indexNames, type Document } from '../../core/ports/store';
import { ErrorCodes, IraError } from '../../errors';
import type { StoreTransport } from './transport';

/**
 * Retention for `<prefix>-alerts`: the name becomes a write alias over `<prefix>-alerts-000001`, `-000002` …, and
 * the engine's lifecycle manager (ILM on Elasticsearch, ISM on OpenSearch) rolls the write index over and deletes a
 * backing index `retentionDays` after its rollover. The state indices (incidents, recommendations, conjectures)
 * are not rolled over: they are updated in place by id, which an alias over several indices cannot do, and a
 * lifecycle delete would drop the whole index, open incidents included.
 */
export interface LifecycleOptions {
  prefix: string;
  /** Days a rolled-over alerts index is kept (IRA_ALERTS_RETENTION_DAYS). */
  retentionDays: number;
}

export interface LifecycleReport {
  manager: 'ilm' | 'ism';
  /** False when the cluster has no ILM/ISM API (e.g. a minimal distribution): the alias is set up, nothing expires. */
  policyApplied: boolean;
  policy: string;
  alias: string;
  /** The index behind the alias that takes writes; undefined when `alias` is a plain index from before. */
  writeIndex: string | undefined;
  /** `<prefix>-alerts` already exists as a concrete index: left as it is (no rollover, no expiry) until reindexed. */
  legacyIndex: boolean;
}

const MAX_ROLLOVER_DAYS = 30;
const LIFECYCLE_TEMPLATE_PRIORITY = 301;

/** A third of the retention, at most 30 days: few rollovers (see docs/pipeline.md on ids across a rollover). */
export function rolloverDays(retentionDays: number): number {
  return Math.min(MAX_ROLLOVER_DAYS, Math.max(1, Math.ceil(retentionDays / 3)));
}

export function ilmAlertsPolicy(options: LifecycleOptions): Document {
  const policy = structuredClone(ilmPolicy);
  policy.phases.hot.actions.rollover.max_age = `${rolloverDays(options.retentionDays)}d`;
  policy.phases.delete.min_age = `${options.retentionDays}d`;
  return policy;
}

export function ismAlertsPolicy(options: LifecycleOptions): Document {
  const policy = structuredClone(ismPolicy);
  const [hot] = policy.states;
  const action = hot?.actions[0];
  const rollover = action && 'rollover' in action ? action.rollover : undefined;
  const transition = hot?.transitions[0];
  if (!rollover || !transition) throw new IraError(ErrorCodes.internal, 'mappings/lifecycle/ism-ira.json: no hot state with a rollover');
  rollover.min_index_age = `${rolloverDays(options.retentionDays)}d`;
  transition.conditions.min_rollover_age = `${options.retentionDays}d`;
  policy.ism_template = [{ index_patterns: [`${indexNames(options.prefix).alerts}-*`], priority: 100 }];
  return policy;
}

/** The alerts mappings for the backing indices, plus the lifecycle settings when the manager exists. */
export function alertsLifecycleTemplate(flavor: StoreTransport['flavor'], alias: string, withPolicy: boolean): Document {
  const base = structuredClone(alertsTemplate);
  const lifecycle = !withPolicy
    ? {}
    : flavor === 'elasticsearch'
      ? { 'index.lifecycle.name': alias, 'index.lifecycle.rollover_alias': alias }
      : { 'plugins.index_state_management.rollover_alias': alias };
  return {
    ...base,
    priority: LIFECYCLE_TEMPLATE_PRIORITY,
    index_patterns: [`${alias}-*`],
    template: { ...base.template, settings: { ...base.template.settings, ...lifecycle } },
  };
}

/**
 * Applies the policy (when the engine has a lifecycle manager), the backing indices' template, and the write alias.
 * Idempotent: a second run rewrites the same policy and template and finds the alias in place.
 */
export async function ensureAlertsLifecycle(transport: StoreTransport, options: LifecycleOptions, signal: AbortSignal): Promise<LifecycleReport> {
  const alias = indexNames(options.prefix).alerts;
  const manager = transport.flavor === 'elasticsearch' ? 'ilm' : 'ism';
  const policyApplied = manager === 'ilm' ? await putIlmPolicy(transport, alias, options, signal) : await putIsmPolicy(transport, alias, options, signal);
  const template = alertsLifecycleTemplate(transport.flavor, alias, policyApplied);
  await transport.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(`${alias}-lifecycle`)}`, body: template }, signal);
  const target = await ensureWriteAlias(transport, alias, signal);
  if (policyApplied && target.writeIndex !== undefined) await attachPolicy(transport, manager, alias, target.writeIndex, signal);
  return { manager, policyApplied, policy: alias, alias, ...target };
}

/** A lifecycle API the cluster lacks answers 400 "no handler found" (or 405); a missing policy answers 404. */
function hasHandler(statusCode: number): boolean {
  return statusCode !== 400 && statusCode !== 405;
}

async function putIlmPolicy(transport: StoreTransport, name: string, options: LifecycleOptions, signal: AbortSignal): Promise<boolean> {
  const path = `/_ilm/policy/${encodeURIComponent(name)}`;
  const probe = await transport.request({ method: 'GET', path, ignore: [400, 404, 405] }, signal);
  if (!hasHandler(probe.statusCode)) return false;
  await transport.request({ method: 'PUT', path, body: { policy: ilmAlertsPolicy(options) } }, signal);
  return true;
}

/** ISM refuses to overwrite a policy without the sequence number it replaces, so an update names it. */
async function putIsmPolicy(transport: StoreTransport, name: string, options: LifecycleOptions, signal: AbortSignal): Promise<boolean> {
  const path = `/_plugins/_ism/policies/${encodeURIComponent(name)}`;
  const probe = await transport.request({ method: 'GET', path, ignore: [400, 404, 405] }, signal);
  if (!hasHandler(probe.statusCode)) return false;
  const stored = probe.body as { _seq_no?: number; _primary_term?: number };
  const querystring =
    probe.statusCode === 200 && stored._seq_no !== undefined && stored._primary_term !== undefined
      ? { if_seq_no: stored._seq_no, if_primary_term: stored._primary_term }
      : undefined;
  await transport.request({ method: 'PUT', path, ...(querystring ? { querystring } : {}), body: { policy: ismAlertsPolicy(options) } }, signal);
  return true;
}

type AliasAnswer = Record<string, { aliases?: Record<string, { is_write_index?: boolean }> }>;

function writeIndexOf(answer: AliasAnswer, alias: string): string | undefined {
  const indices = Object.keys(answer);
  const flagged = indices.find((index) => answer[index]?.aliases?.[alias]?.is_write_index === true);
  // An alias over exactly one index takes writes even without the flag.
  return flagged ?? (indices.length === 1 ? indices[0] : undefined);
}

async function ensureWriteAlias(transport: StoreTransport, alias: string, signal: AbortSignal): Promise<Pick<LifecycleReport, 'writeIndex' | 'legacyIndex'>> {
  const existing = await readAlias(transport, alias, signal);
  if (existing) return { writeIndex: writeIndexOf(existing, alias), legacyIndex: false };
  const plain = await transport.request({ method: 'HEAD', path: `/${encodeURIComponent(alias)}`, ignore: [404] }, signal);
  if (plain.statusCode === 200) return { writeIndex: undefined, legacyIndex: true };
  const first = `${alias}-000001`;
  const created = await transport.request(
    { method: 'PUT', path: `/${encodeURIComponent(first)}`, body: { aliases: { [alias]: { is_write_index: true } } }, ignore: [400] },
    signal,
  );
  if (created.statusCode === 400) {
    // Another instance starting at the same moment created it first; anything else is a real refusal.
    const error = (created.body as { error?: { type?: string; reason?: string } }).error;
    if (error?.type !== 'resource_already_exists_exception') {
      throw new IraError(ErrorCodes.storeRejected, `${transport.flavor} PUT /${first}: ${error?.type ?? 'HTTP 400'}: ${error?.reason ?? ''}`);
    }
    const again = await readAlias(transport, alias, signal);
    return { writeIndex: again ? writeIndexOf(again, alias) : undefined, legacyIndex: false };
  }
  return { writeIndex: first, legacyIndex: false };
}

async function readAlias(transport: StoreTransport, alias: string, signal: AbortSignal): Promise<AliasAnswer | undefined> {
  const answer = await transport.request({ method: 'GET', path: `/_alias/${encodeURIComponent(alias)}`, ignore: [404] }, signal);
  return answer.statusCode === 200 ? (answer.body as AliasAnswer) : undefined;
}

/** For a write index created before the policy existed; harmless (a no-op or a "already managed" answer) otherwise. */
async function attachPolicy(transport: StoreTransport, manager: 'ilm' | 'ism', policy: string, index: string, signal: AbortSignal): Promise<void> {
  if (manager === 'ilm') {
    const settings = { 'index.lifecycle.name': policy, 'index.lifecycle.rollover_alias': policy };
    await transport.request({ method: 'PUT', path: `/${encodeURIComponent(index)}/_settings`, body: settings }, signal);
    return;
  }
  const settings = { 'plugins.index_state_management.rollover_alias': policy };
  await transport.request({ method: 'PUT', path: `/${encodeURIComponent(index)}/_settings`, body: settings }, signal);
  await transport.request({ method: 'POST', path: `/_plugins/_ism/add/${encodeURIComponent(index)}`, body: { policy_id: policy } }, signal);
}
