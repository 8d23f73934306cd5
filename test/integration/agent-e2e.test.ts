import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeAlert } from '../../src/core/alert/normalize';
import type { NormalizedAlert } from '../../src/core/alert/schema';
import { ConjectureDocument, RecommendationDocument } from '../../src/core/documents/agent-documents';
import { collectTopic, createTopics, groupProgress, testKafka, testProducer } from './helpers/kafka';
import { searchSources } from './helpers/engine';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

const OLLAMA_HOST = process.env.IRA_TEST_OLLAMA_HOST ?? 'http://127.0.0.1:21434';
const OLLAMA_MODEL = process.env.IRA_TEST_OLLAMA_MODEL ?? 'ira-smollm2:135m';
const LOGS = join(__dirname, '..', 'fixtures', 'alerts', 'snort', 'esorics26-digital-twin', 'logs.txt');
// The same run's system description (the bundled dataset holds the same logs with it), as an operator configures it.
const SYSTEM = join(__dirname, '..', '..', 'datasets', 'digital-twin', 'weak-credential-3', 'system.txt');

/**
 * Whether an action target is something the alerts contain: an entity field of an alert, or a whole word of the raw
 * alert lines (case-insensitive; an address may carry a port). The invariant, independent of how the guard does it.
 */
function inAlerts(alerts: readonly NormalizedAlert[], lines: readonly string[]): (target: string) => boolean {
  const fields = new Set<string>();
  for (const alert of alerts) {
    for (const value of [alert.source.ip, alert.destination.ip, alert.host.name, alert.user.name, ...(alert.host.ip ?? [])]) {
      if (value) fields.add(value.toLowerCase());
    }
  }
  const text = lines.join('\n').toLowerCase();
  return (target) => {
    const value = target.trim().toLowerCase().replace(/^((?:\d{1,3}\.){3}\d{1,3}):\d{1,5}$/, '$1');
    if (fields.has(value)) return true;
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(text);
  };
}

/**
 * The whole product on real parts: the Snort alerts of a digital-twin incident go into Kafka; stage 1 indexes them
 * and groups them into incidents; stage 2 runs the agent with a real model on a real Ollama; schema-valid
 * recommendation and conjecture documents come out of Elasticsearch, naming only entities the alerts contain.
 */
describe('agent end to end (Kafka → triage → Elasticsearch → agent on Ollama)', () => {
  let scope: TestScope;
  const kafka = testKafka('ira-it-agent');

  beforeAll(async () => {
    scope = createScope('agent');
    const tags = await fetch(`${OLLAMA_HOST}/api/tags`).then((response) => response.json() as Promise<{ models: { name: string }[] }>);
    if (!tags.models.some((model) => model.name === OLLAMA_MODEL)) {
      throw new Error(`Ollama at ${OLLAMA_HOST} does not serve ${OLLAMA_MODEL}: run scripts/ollama.sh import-model`);
    }
  });
  afterAll(() => scope.cleanup());

  test('a digital-twin incident yields schema-valid recommendations and conjectures naming only evidence entities', async () => {
    // The first stages of the attack (sweep, scan, brute force): enough for an incident, small enough for a CPU model.
    const all = readFileSync(LOGS, 'utf8').split('\n').filter((line) => line.includes('Alert: ['));
    const rounds = [all.slice(0, 40), all.slice(40, 80), all.slice(80)];
    const lines = rounds.flat();
    const alerts = lines.map((line) => normalizeAlert(line)).flatMap((result) => (result.ok ? [result.value] : []));
    expect(alerts).toHaveLength(lines.length);
    const seen = inAlerts(alerts, lines);

    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events'), actions: scope.topic('actions') };
    await createTopics(kafka, Object.values(topics), 1);
    const producer = await testProducer(kafka, scope);
    const actions = await collectTopic(kafka, scope, topics.actions);

    const agentGroup = scope.group('agent');
    const serve = startServe(
      testConfig({
        IRA_TOPIC_ALERTS: topics.alerts,
        IRA_TOPIC_DLQ: topics.dlq,
        IRA_TOPIC_INCIDENT_EVENTS: topics.events,
        IRA_TOPIC_ACTIONS: topics.actions,
        IRA_PUBLISH_ACTIONS: 'true',
        IRA_GROUP_TRIAGE: scope.group('triage'),
        IRA_GROUP_AGENT: agentGroup,
        IRA_INDEX_PREFIX: scope.prefix,
        IRA_AGENT_ENABLED: 'true',
        IRA_AGENT_SYSTEM_DESCRIPTION_FILE: SYSTEM,
        IRA_LLM_PROVIDER: 'ollama',
        IRA_OLLAMA_HOST: OLLAMA_HOST,
        IRA_OLLAMA_MODEL: OLLAMA_MODEL,
        // A small budget: the point is the plumbing and the invariants on a real model, not plan quality.
        IRA_AGENT_CANDIDATES: '2',
        IRA_AGENT_ROLLOUTS: '1',
        IRA_AGENT_DEPTH: '2',
        IRA_AGENT_MAX_LLM_CALLS_PER_STEP: '24',
        // Bounded steps on a 2-core CPU: a step that plans ends at its time budget with what it has scored (or an
        // abstention); rollouts in sequence, since the test Ollama serves one call at a time and a queued call would
        // spend its own timeout waiting; a smaller evidence block keeps each call under a minute.
        IRA_AGENT_STEP_TIMEOUT_MS: '300000',
        IRA_AGENT_ROLLOUT_CONCURRENCY: '1',
        IRA_AGENT_EVIDENCE_CHARS: '2500',
        IRA_LLM_TIMEOUT_MS: '240000',
        IRA_AGENT_COALESCE_MS: '5000',
        IRA_LLM_PROFILE: 'smollm2',
        IRA_LLM_CONTEXT_SIZE: '4096',
      }),
    );
    scope.track(() => serve.stop());

    // Up to three rounds of the attack's alerts, each a new step on the state stage 2 stored in Elasticsearch. A 135M
    // model's analysis flips with the prompt's random data-block nonce; later rounds give the agent more chances to
    // get past perception to conjectures and planning (and test the resume from stored state on the way).
    let recommendations: Record<string, unknown>[] = [];
    for (const [index, round] of rounds.entries()) {
      await producer.send({ topic: topics.alerts, acks: -1, messages: round.map((line) => ({ value: line })) });
      recommendations = await waitFor(
        async () => {
          const docs = await searchSources(scope.indices.recommendations);
          return docs.length > index ? docs : undefined;
        },
        { timeoutMs: 540_000, intervalMs: 2000, description: `recommendation ${index + 1}`, describeState: () => serve.logs.filter((l) => l.level !== 'debug').slice(-5) },
      );
      if ((await searchSources(scope.indices.conjectures)).length > 0) break;
    }
    // Steps of one incident follow each other: the stored state was read back and advanced, never restarted.
    const steps = new Map<string, number[]>();
    for (const { incident, step } of recommendations.map((doc) => RecommendationDocument.parse(doc))) {
      steps.set(incident.id, [...(steps.get(incident.id) ?? []), step]);
    }
    for (const numbers of steps.values()) expect([...numbers].sort((a, b) => a - b)).toEqual(numbers.map((_, i) => i));

    for (const doc of recommendations) {
      const recommendation = RecommendationDocument.parse(doc);
      expect(recommendation.model).toBe(OLLAMA_MODEL);
      expect(recommendation.llm_calls).toBeGreaterThan(0);
      expect(recommendation.prompt_tokens).toBeGreaterThan(0);
      if (recommendation.abstained) {
        expect(recommendation.ira.abstain?.reason.length ?? 0).toBeGreaterThan(0);
      } else {
        for (const target of recommendation.ira.action?.targets ?? []) expect([target, seen(target)]).toEqual([target, true]);
      }
      for (const candidate of recommendation.ira.candidates.filter((c) => c.guard === 'pass')) {
        for (const target of candidate.targets) expect([target, seen(target)]).toEqual([target, true]);
      }
      // The recovery state never goes back within a step.
      for (const [stage, done] of Object.entries(recommendation.recovery_state)) {
        if (done) expect(recommendation.predicted_state[stage as keyof typeof recommendation.predicted_state]).toBe(true);
      }
    }
    const conjectures = await searchSources(scope.indices.conjectures);
    for (const doc of conjectures) ConjectureDocument.parse(doc);
    const decisions = recommendations.map((doc) => (doc['abstained'] === true ? `abstain:${String((doc['ira'] as { abstain?: { code?: string } }).abstain?.code)}` : 'act'));
    process.stdout.write(`agent-e2e: ${recommendations.length} recommendation(s) ${JSON.stringify(decisions)}, ${conjectures.length} conjecture document(s)\n`);

    // The incident carries the agent's state, and the agent group committed only after its writes.
    const incidents = await searchSources(scope.indices.incidents);
    const stepped = incidents.filter((incident) => typeof incident['agent_step'] === 'number');
    expect(stepped.length).toBeGreaterThan(0);
    // The configured system description reached the agent and is kept in the incident's state.
    const described = readFileSync(SYSTEM, 'utf8').trim();
    for (const incident of stepped) expect(((incident['ira'] as { agent?: { systemDescription?: unknown } }).agent ?? {}).systemDescription).toBe(described);
    await waitFor(async () => {
      const progress = await groupProgress(kafka, agentGroup, topics.events);
      return progress.committed === progress.end ? progress : undefined;
    }, { timeoutMs: 540_000, intervalMs: 2000, description: 'the agent group to commit every incident event' });
    const acted = recommendations.filter((doc) => doc['abstained'] === false).length;
    await waitFor(() => actions.messages.length >= acted, { description: 'one action event per acted recommendation' });
    await serve.stop();
  });
});
