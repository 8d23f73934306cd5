import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAlertFile } from '../../../src/adapters/sources/file-source';
import { runAgentStep } from '../../../src/core/agent/step';
import { initialAgentState, type AgentState } from '../../../src/core/agent/types';
import type { NormalizedAlert } from '../../../src/core/alert/schema';
import { prepareRecords } from '../../../src/replay/prepare';
import type { ScriptedCall } from '../../doubles/scripted-llm';
import { FakeLlm } from './support/fake-llm';
import { act, makeConfig, makeDeps, world } from './support/world';

/**
 * Prefix reuse: every call of a step renders the shared system message and the shared head (system description,
 * evidence digest, entities, feedback, analysis, conjecture) byte for byte before its role's instructions and
 * varying values, so a server that caches the evaluated prefix evaluates only the tails again.
 */
const folder = join(__dirname, '../../../datasets/digital-twin/weak-credential-3');
const signal = () => new AbortController().signal;

async function incident(): Promise<{ alerts: NormalizedAlert[]; system: string }> {
  const prepared = prepareRecords(await readAlertFile(join(folder, 'logs.txt')), { caseId: 'weak-credential-3' });
  return { alerts: prepared.alerts, system: readFileSync(join(folder, 'system.txt'), 'utf8') };
}

const text = (call: ScriptedCall): string => call.messages.map((message) => `${message.role}\n${message.content}`).join('\n');

function commonPrefix(texts: readonly string[]): number {
  const [first, ...rest] = texts;
  if (first === undefined) return 0;
  let length = first.length;
  for (const other of rest) {
    let index = 0;
    while (index < length && index < other.length && first[index] === other[index]) index++;
    length = index;
  }
  return length;
}

/** Where the role's own part starts: everything before it is the shared system message and head. */
const tailStart = (call: ScriptedCall): number => text(call).indexOf('Your task now:');

const candidates = [
  act('block-ip', ['10.0.1.11'], 'Block 10.0.1.11 at the gateway.'),
  act('isolate-host', ['10.0.2.11'], 'Move 10.0.2.11 to quarantine.'),
  act('analyse', ['10.0.2.11'], 'Review the SSH logs of 10.0.2.11.'),
  act('collect-forensics', ['10.0.2.11'], 'Image the disk of 10.0.2.11.'),
  act('disable-account', ['admin'], 'Disable the admin account.'),
  act('patch', ['10.0.2.11'], 'Enforce key-only SSH on 10.0.2.11.'),
  act('eradicate', ['10.0.2.11'], 'Remove the attacker session from 10.0.2.11.'),
  act('restore-service', ['10.0.2.11'], 'Restore SSH on 10.0.2.11.'),
];

async function steps(count: number): Promise<{ llm: FakeLlm; perStep: ScriptedCall[][]; states: AgentState[] }> {
  const { alerts, system } = await incident();
  const llm = new FakeLlm(world({ candidates, signatures: { Reconnaissance: [{ classification: 'Attempted Information Leak', priority: 2 }] } }));
  const config = makeConfig({ candidates: 2, rollouts: 1, depth: 2, rolloutConcurrency: 1 });
  const perStep: ScriptedCall[][] = [];
  const states: AgentState[] = [];
  let state = initialAgentState('inc-layout');
  for (let index = 0; index < count; index++) {
    const before = llm.calls.length;
    // As in replay: the whole incident arrives at step 0, later steps bring no new alerts.
    const input = index === 0 ? { alerts, systemDescription: system } : { alerts: [] };
    state = (await runAgentStep(state, input, makeDeps(llm), config, signal())).state;
    perStep.push(llm.calls.slice(before));
    states.push(state);
  }
  return { llm, perStep, states };
}

describe('prompt layout for prefix reuse', () => {
  it('shares the system message and the whole head across every planning call of a step (≥ 80 % of the shortest prompt)', async () => {
    const { perStep } = await steps(1);
    const calls = perStep[0]!;
    const planning = calls.filter((call) => call.purpose === 'generate-action' || call.purpose === 'predict-state');
    expect(planning.length).toBeGreaterThan(4);
    const texts = planning.map(text);
    const shared = commonPrefix(texts);
    const shortest = Math.min(...texts.map((item) => item.length));
    expect(shared).toBeGreaterThanOrEqual(Math.max(...planning.map(tailStart)));
    expect(shared / shortest).toBeGreaterThanOrEqual(0.8);
    // The head holds the whole incident's evidence (the 89 alerts of the digital-twin case), the analysis, the conjecture.
    const head = texts[0]!.slice(0, shared);
    for (const block of ['SYSTEM', 'EVIDENCE', 'ENTITIES', 'FEEDBACK', 'ANALYSIS']) expect(head).toMatch(new RegExp(`<<<END ${block} id=[0-9a-f]{12}>>>`));
    expect(head).toContain('SSH connection attempt');
    expect(head).toContain('Attack conjecture: Tactics:');
  });

  it('gives the analysis the same prefix through the feedback block, the conjecture test through the system block', async () => {
    const { perStep } = await steps(1);
    const calls = perStep[0]!;
    const perceive = calls.find((call) => call.purpose === 'perceive')!;
    const planning = calls.find((call) => call.purpose === 'generate-action')!;
    const test = calls.find((call) => call.purpose === 'conjecture-test')!;
    const shared = commonPrefix([text(perceive), text(planning)]);
    expect(shared).toBeGreaterThanOrEqual(text(planning).indexOf('<<<END FEEDBACK'));
    expect(commonPrefix([text(test), text(planning)])).toBeGreaterThanOrEqual(text(planning).indexOf('<<<END SYSTEM'));
    // The conjecture test is asked without the evidence it is measured against.
    expect(text(test)).not.toMatch(/<<<EVIDENCE id=[0-9a-f]{12}>>>/);
  });

  it('keeps the shared part byte-identical across steps of the same incident with the same evidence', async () => {
    const { perStep, states } = await steps(3);
    expect(states[1]!.evidence).toEqual(states[2]!.evidence);
    const sample = (index: number) => perStep[index]!.find((call) => call.purpose === 'generate-action')!;
    const [one, two] = [sample(1), sample(2)];
    const shared = commonPrefix([text(one), text(two)]);
    expect(shared).toBeGreaterThanOrEqual(tailStart(one));
    expect(text(one).slice(0, tailStart(one))).toBe(text(two).slice(0, tailStart(two)));
    // Later steps still see the whole incident's evidence, not "(none)".
    expect(text(two)).toContain('SSH connection attempt');
    expect(text(two)).not.toMatch(/<<<EVIDENCE id=[0-9a-f]{12}>>>\n"\(none\)"/);
  });
});
