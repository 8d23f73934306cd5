import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readAlertFile, fileSource, isEvidenceFile } from '../../../src/adapters/sources/file-source';
import { NormalizedAlert } from '../../../src/core/alert/schema';
import { ConjectureDocument, IncidentAgentFields, RecommendationDocument } from '../../../src/core/documents/agent-documents';
import { chunk, prepareRecords } from '../../../src/replay/prepare';
import { systemContext } from '../../../src/replay/run-replay';
import { effectiveChunkSize } from '../../../src/replay/run-incident';
import { incidentFolder, scriptedReplay, type ScriptedReplay } from './support/scripted-replay';

/** `ira replay` without the CLI, on the bundled digital-twin incident with a scripted model and the NDJSON store. */
const AlertDocument = NormalizedAlert.extend({
  incident: z.object({ id: z.string().min(1) }),
  ira: NormalizedAlert.shape.ira.extend({
    case_id: z.literal('replay:weak-credential-3'),
    triage: z.object({ score: z.number(), repeat: z.boolean(), repeat_count: z.number().int() }),
  }),
});

async function documents(directory: string, index: string): Promise<Array<{ _id: string; _source: unknown }>> {
  const text = await readFile(join(directory, `${index}.ndjson`), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as { _id: string; _source: unknown });
}

describe('the incident folder source', () => {
  it('reads system.txt as the description and never the ground truth, licence or rules files', async () => {
    const input = await fileSource(incidentFolder).read(new AbortController().signal);
    expect(input.systemDescription).toMatch(/^The testbed is a Dockerized incident response digital twin/);
    expect(input.files.map((file) => file.split('/').at(-1))).toEqual(['system.txt', 'logs.txt']);
    expect(['incident.txt', 'ground-truth.json', 'attack_phases.json', 'LICENSE-x', 'README.md', 'a.rules', 'system.txt'].filter(isEvidenceFile)).toEqual([]);
    expect(isEvidenceFile('ossec_insect.json')).toBe(true);
  });

  it('splits the logs file into Snort alerts and the prose around them', async () => {
    const prepared = prepareRecords(await readAlertFile(join(incidentFolder, 'logs.txt')), { caseId: 'c' });
    // 126 alert lines, of which identical lines (same millisecond, same flow) count once, as in the live pipeline.
    expect(prepared.alerts.length + prepared.duplicates).toBe(126);
    expect(prepared.alerts.length).toBe(89);
    expect(prepared.contextLines[0]).toMatch(/^The following logs come from run_attack\.py/);
    expect(prepared.contextLines.some((line) => line.startsWith('Stage 3 records SSH password guessing'))).toBe(true);
    expect(prepared.rejections).toEqual([]);
    expect(prepared.alerts.every((alert) => alert.ira.case_id === 'c' && alert.ira.format === 'snort')).toBe(true);
    const times = prepared.alerts.map((alert) => Date.parse(alert['@timestamp']));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(systemContext('SYSTEM', ['a', 'b'], 3)).toBe('SYSTEM\n\nNotes that came with the logs:\na\nb');
  });

  it('chunks so that every alert is seen within the step cap', () => {
    expect(effectiveChunkSize(89, 50, 2)).toBe(50);
    expect(effectiveChunkSize(89, 10, 2)).toBe(45);
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('runReplay with a scripted model', () => {
  let replay: ScriptedReplay;

  beforeAll(async () => {
    replay = await scriptedReplay();
  });

  afterAll(async () => {
    await rm(replay.directory, { recursive: true, force: true });
  });

  it('treats the folder as one incident and steps once per chunk up to the cap', () => {
    const { report } = replay;
    expect(report.counts).toMatchObject({ alerts: 89, rejected: 0, incidents: 1, incidentsReplayed: 1 });
    const incident = report.incidents[0]!;
    expect(incident.alertsPerStep).toEqual([50, 39]);
    expect(incident.recommendations.map((r) => r.step)).toEqual([0, 1]);
    expect(incident.stopReason).toBe('step-cap');
    const firstCall = replay.llm.calls[0]!;
    expect(firstCall.purpose).toBe('perceive');
    expect(firstCall.messages.map((m) => m.content).join('\n')).toContain('server_ssh at 10.0.2.11');
  });

  it('writes alert, incident, recommendation and conjecture documents that satisfy their schemas', async () => {
    const alerts = await documents(replay.directory, 'ira-alerts');
    expect(alerts).toHaveLength(89);
    for (const doc of alerts) AlertDocument.parse(doc._source);

    const recommendations = await documents(replay.directory, 'ira-recommendations');
    expect(recommendations.map((doc) => doc._id)).toEqual(recommendations.map((_, step) => `${replay.report.incidents[0]!.incident.id}:${step}`));
    for (const doc of recommendations) RecommendationDocument.parse(doc._source);

    const conjectures = await documents(replay.directory, 'ira-conjectures');
    expect(conjectures.length).toBeGreaterThanOrEqual(1);
    for (const doc of conjectures) ConjectureDocument.parse(doc._source);

    const incidents = await documents(replay.directory, 'ira-incidents');
    expect(incidents).toHaveLength(1);
    const incident = incidents[0]!._source as Record<string, unknown>;
    IncidentAgentFields.parse(incident);
    expect(incident).toMatchObject({ alert_count: 89, status: 'open', agent_step: 2 });
  });

  it('names only entities that occur in the alerts, or abstains', () => {
    const seen = new Set<string>();
    for (const line of replay.report.incidents[0]!.recommendations) {
      const decision = line.decision;
      if (decision.kind === 'act') for (const target of decision.action.targets) seen.add(target);
    }
    expect(seen.size).toBeGreaterThan(0);
    expect([...seen].every((target) => ['10.0.1.11', '10.0.2.11'].includes(target))).toBe(true);
  });
});
