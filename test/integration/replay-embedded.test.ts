// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here: a few real model calls on 2 cores.
jest.setTimeout(1_500_000);

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { EmbeddedLlm } from '../../src/adapters/llm/embedded-llm';
import { resolveModelPath } from '../../src/adapters/model/resolve-model-path';
import { fileSource, readAlertFile } from '../../src/adapters/sources/file-source';
import { NdjsonStore } from '../../src/adapters/store/ndjson-store';
import { silentProgress } from '../../src/core/ports/progress';
import { defaultAgentConfig } from '../../src/config';
import { Recommendation } from '../../src/core/agent/types';
import { NormalizedAlert } from '../../src/core/alert/schema';
import { indexNames } from '../../src/core/ports/store';
import { silentLogger } from '../../src/logger';
import { renderHtml } from '../../src/report/html';
import type { ReplayReport } from '../../src/report/model';
import { ConjectureDocument, IncidentAgentFields, RecommendationDocument } from '../../src/core/documents/agent-documents';
import { prepareRecords } from '../../src/replay/prepare';
import { runReplay } from '../../src/replay/run-replay';
import { stepRunner } from '../../src/app/replay-session';

/**
 * `ira replay` of the bundled digital-twin incident Weak-Credential-3 with the real embedded model (the pinned
 * SmolLM2-135M GGUF; IRA_TEST_GGUF, else fetched like `ira model pull` would) and a tiny planning budget.
 * The model's wording is never asserted: every written document must satisfy its schema, and every action must name
 * only entities the alerts show — or the agent abstains.
 */
const folder = join(__dirname, '..', '..', 'datasets', 'digital-twin', 'weak-credential-3');
const modelDir = process.env.IRA_TEST_MODEL_DIR ?? join(process.env.IRA_CACHE ?? join(process.env.HOME ?? tmpdir(), '.cache', 'ira'), 'models');

const AlertDocument = NormalizedAlert.extend({
  incident: z.object({ id: z.string().min(1) }),
  ira: NormalizedAlert.shape.ira.extend({ triage: z.object({ score: z.number(), repeat: z.boolean(), repeat_count: z.number().int() }) }),
});

async function documents(directory: string, index: string): Promise<unknown[]> {
  const text = await readFile(join(directory, `${index}.ndjson`), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { _source: unknown })._source);
}

let llm: EmbeddedLlm;

beforeAll(async () => {
  const modelPath = process.env.IRA_TEST_GGUF ?? (await resolveModelPath({ modelDir }, { fetchIfMissing: true })).path;
  llm = new EmbeddedLlm({ modelPath, contextSize: 4096, timeoutMs: 600_000 });
});

afterAll(async () => {
  await llm?.close();
});

/**
 * What an action may name: alert IPs (a port allowed), and whole words of the alerts (messages, rule and host names). The system description
 * is deliberately absent: the guard accepts only what the alerts show (docs/agent.md, "Guard").
 */
async function evidenceCheck(): Promise<(target: string) => boolean> {
  const alerts = prepareRecords(await readAlertFile(join(folder, 'logs.txt'))).alerts;
  const ips = new Set(alerts.flatMap((a) => [a.source.ip, a.destination.ip, ...(a.host.ip ?? [])]).filter((ip): ip is string => ip !== undefined));
  const text = alerts.flatMap((a) => [a.message, a.rule.name ?? '', a.host.name ?? '']).join('\n').toLowerCase();
  return (target: string): boolean => {
    const ip = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(target.trim())?.[1];
    if (ip !== undefined) return ips.has(ip);
    return new RegExp(`(^|[^a-z0-9])${target.trim().toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`).test(text);
  };
}

type Runner = NonNullable<Parameters<typeof runReplay>[0]['runner']>;
type Budget = Parameters<typeof runReplay>[0]['budget'];

/** One replay of the bundled incident into a fresh NDJSON folder. */
async function replayOnce(directory: string, runner: Runner, method: string, budget: Budget): Promise<ReplayReport> {
  const store = await NdjsonStore.open({ directory });
  try {
    return await runReplay(
      {
        source: fileSource(folder),
        store,
        indices: indexNames('ira'),
        runner,
        model: llm.model,
        provider: 'embedded',
        method,
        budget,
        maxIncidents: 1,
        triage: { windowMs: 3_600_000 },
        triageBatchSize: 2000,
        contextChars: 3000,
        output: directory,
        now: () => new Date(),
        progress: silentProgress,
        logger: silentLogger,
      },
      new AbortController().signal,
    );
  } finally {
    await store.close();
  }
}

describe('replay with the embedded small model (planner)', () => {
  let directory: string;
  let report: ReplayReport;
  let wallMs: number;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-replay-it-'));
    const config = defaultAgentConfig({ candidates: 2, rollouts: 1, depth: 1, rolloutConcurrency: 1, evidenceChars: 2500, seed: 11 });
    const started = Date.now();
    const budget = { candidates: 2, rollouts: 1, depth: 1, maxSteps: 2, chunkSize: 500, maxLlmCallsPerStep: 200, stepTimeoutMs: 1_200_000 };
    report = await replayOnce(directory, stepRunner(llm, config, 'planner', () => Date.now()), 'planner (full agent step)', budget);
    wallMs = Date.now() - started;
  });

  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('runs the agent on the one incident and stops for a stated reason', () => {
    const incident = report.incidents[0];
    expect(report.counts.incidents).toBe(1);
    expect(incident).toBeDefined();
    expect(['recovered', 'no-incident', 'step-cap']).toContain(incident!.stopReason);
    expect(incident!.error).toBeUndefined();
    expect(incident!.recommendations.length).toBeGreaterThanOrEqual(1);
    const calls = incident!.recommendations.reduce((sum, r) => sum + r.usage.llmCalls, 0);
    expect(calls).toBeGreaterThanOrEqual(1);
    for (const r of incident!.recommendations) Recommendation.parse(r);
    const decisions = incident!.recommendations.map((r) => (r.decision.kind === 'act' ? r.decision.action.kind : `abstain:${r.decision.code}`));
    process.stdout.write(`replay-embedded: ${wallMs} ms, ${calls} LLM calls, decisions ${JSON.stringify(decisions)}\n`);
  });

  it('writes only documents that satisfy their schemas', async () => {
    const alerts = await documents(directory, 'ira-alerts');
    expect(alerts).toHaveLength(report.counts.alerts);
    for (const doc of alerts) AlertDocument.parse(doc);
    const recommendations = await documents(directory, 'ira-recommendations');
    expect(recommendations).toHaveLength(report.incidents[0]!.recommendations.length);
    for (const doc of recommendations) RecommendationDocument.parse(doc);
    const conjectures = await documents(directory, 'ira-conjectures');
    expect(conjectures).toHaveLength(report.incidents[0]!.revisions.length);
    for (const doc of conjectures) ConjectureDocument.parse(doc);
    const incidents = await documents(directory, 'ira-incidents');
    expect(incidents).toHaveLength(1);
    IncidentAgentFields.parse(incidents[0]);
  });

  it('names only entities of the evidence in its actions and candidates, or abstains', async () => {
    const inEvidence = await evidenceCheck();
    for (const r of report.incidents[0]!.recommendations) {
      if (r.decision.kind === 'act') expect(r.decision.action.targets.filter((t) => !inEvidence(t))).toEqual([]);
      // A candidate naming something else may be proposed, but then the guard must have rejected it.
      for (const c of r.candidates) if (c.action.targets.some((t) => !inEvidence(t))) expect(c.guard.verdict).toBe('reject');
    }
  });

  it('renders a self-contained report of what happened', () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/\s(src|href)\s*=|<script|<link/i);
    expect(html).toContain('<svg class="chart"');
  });
});

describe('replay with the embedded small model (direct baseline)', () => {
  let directory: string;
  let report: ReplayReport;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-replay-it-direct-'));
    const config = defaultAgentConfig({ evidenceChars: 2500, seed: 5 });
    const budget = { candidates: 1, rollouts: 1, depth: 1, maxSteps: 1, chunkSize: 500, maxLlmCallsPerStep: 10, stepTimeoutMs: 1_200_000 };
    report = await replayOnce(directory, stepRunner(llm, config, 'direct', () => Date.now()), 'direct prompting', budget);
  });

  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('writes a schema-valid recommendation for the model\'s action, and the guard flags any entity outside the evidence', async () => {
    const incident = report.incidents[0]!;
    expect(incident.error).toBeUndefined();
    expect(incident.recommendations).toHaveLength(1);
    const recommendation = Recommendation.parse(incident.recommendations[0]);
    for (const doc of await documents(directory, 'ira-recommendations')) RecommendationDocument.parse(doc);
    // The baseline has no guard that abstains, but the guard's verdict on its action must be right.
    const inEvidence = await evidenceCheck();
    for (const candidate of recommendation.candidates) {
      const strangers = candidate.action.targets.filter((target) => !inEvidence(target));
      if (strangers.length > 0) expect(candidate.guard.verdict).toBe('reject');
    }
    process.stdout.write(`replay-embedded direct: ${JSON.stringify(recommendation.decision)}\n`);
  });
});
