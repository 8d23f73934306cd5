import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonStore } from '../../../../src/adapters/store/ndjson-store';
import { fileSource } from '../../../../src/adapters/sources/file-source';
import { silentProgress } from '../../../../src/core/ports/progress';
import { defaultAgentConfig } from '../../../../src/config';
import { indexNames } from '../../../../src/core/ports/store';
import { silentLogger } from '../../../../src/logger';
import type { ReplayReport } from '../../../../src/report/model';
import { runReplay } from '../../../../src/replay/run-replay';
import { stepRunner } from '../../../../src/app/replay-session';
import { ScriptedLlm } from '../../../doubles/scripted-llm';

/**
 * The bundled Weak-Credential-3 incident replayed with the real planner (N=2, M=1, H=2, 2 steps) over a scripted
 * model, into an NDJSON store in a temporary folder. Replies are generous lists per purpose: the test checks what was
 * written, not how many calls the planner made.
 */
export const incidentFolder = join(__dirname, '..', '..', '..', '..', 'datasets', 'digital-twin', 'weak-credential-3');

const state = (set: number) => ({
  reasoning: 'scripted',
  contained: set >= 1, assessed: set >= 2, preserved: set >= 3, evicted: set >= 4, hardened: set >= 5, restored: set >= 6,
});

const actions = [
  { reasoning: 'stop the attacker', kind: 'block-ip', targets: ['10.0.1.11'], description: 'Block the attacker <10.0.1.11> at the gateway & log it' },
  { reasoning: 'look at the host', kind: 'analyse', targets: ['10.0.2.11'], description: 'Review SSH logins on 10.0.2.11 ("admin")' },
];

export function scriptedModel(): ScriptedLlm {
  return ScriptedLlm.keyed({
    perceive: Array.from({ length: 20 }, () => ({
      reasoning: 'brute force then login',
      incident: true,
      description: 'SSH brute force from 10.0.1.11 against 10.0.2.11, then lateral movement',
      tactics: ['Credential Access', 'Lateral Movement'],
      techniques: ['T1110.001', 'T1021.004'],
      entities: { attackers: ['10.0.1.11'], systems: ['10.0.2.10'], targets: ['10.0.2.11'] },
      state: { contained: false, assessed: false, preserved: false, evicted: false, hardened: false, restored: false },
    })),
    'conjecture-test': Array.from({ length: 80 }, () => ({ signatures: [{ classification: 'Attempted Administrator Privilege Gain', priority: 1 }] })),
    'conjecture-revise': Array.from({ length: 20 }, () => ({ reasoning: 'scripted', tactics: ['Credential Access'], techniques: ['T1110'] })),
    'generate-action': Array.from({ length: 200 }, (_, index) => actions[index % 2]!),
    'direct-plan': Array.from({ length: 20 }, (_, index) => actions[index % 2]!),
    'predict-state': Array.from({ length: 200 }, (_, index) => state(index % 3)),
  });
}

export interface ScriptedReplay {
  readonly report: ReplayReport;
  readonly directory: string;
  readonly llm: ScriptedLlm;
}

export async function scriptedReplay(): Promise<ScriptedReplay> {
  const directory = await mkdtemp(join(tmpdir(), 'ira-replay-'));
  const store = await NdjsonStore.open({ directory });
  const llm = scriptedModel();
  const config = defaultAgentConfig({ candidates: 2, rollouts: 1, depth: 2, rolloutConcurrency: 1 });
  let clock = Date.parse('2026-06-10T14:00:00Z');
  const report = await runReplay(
    {
      source: fileSource(incidentFolder),
      store,
      indices: indexNames('ira'),
      runner: stepRunner(llm, config, 'planner', () => (clock += 250)),
      model: llm.model,
      provider: 'scripted',
      method: 'planner (full agent step)',
      budget: { candidates: 2, rollouts: 1, depth: 2, maxSteps: 2, chunkSize: 50, maxLlmCallsPerStep: 200, stepTimeoutMs: 60_000 },
      maxIncidents: 3,
      triage: { windowMs: 3_600_000 },
      triageBatchSize: 2000,
      contextChars: 3000,
      output: `NDJSON files in ${directory}`,
      now: () => new Date(clock),
      progress: silentProgress,
      logger: silentLogger,
    },
    new AbortController().signal,
  );
  await store.close();
  return { report, directory, llm };
}
