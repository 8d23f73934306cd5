import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../../src/config';
import { replayBudget } from '../../../src/app/replay-session';
import { runReplayCommand } from '../../../src/cli/replay';

/**
 * Issue 8 point 8: the CPU default budget finishes one step in a few minutes, the papers' budget is one flag away.
 * The planning budget's defaults follow the model profile (src/config.ts planningDefaults); a setting always wins.
 */
describe('planning budget defaults', () => {
  it('gives SmolLM2 on the CPU (the embedded default) N=2, M=2, H=3', () => {
    expect(loadConfig({}).agent).toMatchObject({ candidates: 2, rollouts: 2, depth: 3 });
    expect(loadConfig({ IRA_LLM_PROVIDER: 'ollama', IRA_LLM_PROFILE: 'smollm2' }).agent).toMatchObject({ candidates: 2, rollouts: 2, depth: 3 });
  });

  it("gives a served model the papers' N=3, M=3, H=10", () => {
    expect(loadConfig({ IRA_LLM_PROVIDER: 'ollama' }).agent).toMatchObject({ candidates: 3, rollouts: 3, depth: 10 });
    expect(loadConfig({ IRA_LLM_PROFILE: 'generic' }).agent).toMatchObject({ candidates: 3, rollouts: 3, depth: 10 });
  });

  it('lets each setting win over the profile', () => {
    expect(loadConfig({ IRA_AGENT_DEPTH: '5', IRA_AGENT_CANDIDATES: '4' }).agent).toMatchObject({ candidates: 4, rollouts: 2, depth: 5 });
  });

  it('keeps the call cap out of the profile, so the papers\u2019 N, M, H are not cut by a CPU cap', () => {
    const config = loadConfig({});
    expect(config.agent.maxLlmCallsPerStep).toBe(loadConfig({ IRA_LLM_PROVIDER: 'ollama' }).agent.maxLlmCallsPerStep);
    expect(replayBudget(config, { candidates: 3, rollouts: 3, depth: 10 })).toMatchObject({ candidates: 3, rollouts: 3, depth: 10, maxLlmCallsPerStep: 200 });
  });
});

describe('ira replay --budget', () => {
  const incident = join(__dirname, '..', '..', '..', 'datasets', 'digital-twin', 'shellshock-4');

  async function replay(args: string[]): Promise<{ code: number; stderr: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    stdout.resume();
    // Triage only: no model is loaded, but the report states the budget the agent would have had.
    const env = { IRA_MODEL_DIR: tmpdir(), IRA_LLM_PROVIDER: 'embedded' };
    const code = await runReplayCommand(args, { stdout, stderr, env, signal: new AbortController().signal });
    return { code, stderr: Buffer.concat(chunks).toString('utf8') };
  }

  it("puts the papers' budget one flag away, with the configured call cap, and refuses an unknown preset", async () => {
    const out = await mkdtemp(join(tmpdir(), 'ira-budget-'));
    try {
      expect((await replay([incident, '--triage-only', '--budget', 'paper', '--out', join(out, 'paper')])).code).toBe(0);
      expect((await replay([incident, '--triage-only', '--out', join(out, 'default')])).code).toBe(0);
      const budget = async (name: string): Promise<unknown> => (JSON.parse(await readFile(join(out, name, 'summary.json'), 'utf8')) as { budget: unknown }).budget;
      expect(await budget('paper')).toMatchObject({ candidates: 3, rollouts: 3, depth: 10, maxSteps: 10, maxLlmCallsPerStep: 200 });
      expect(await budget('default')).toMatchObject({ candidates: 2, rollouts: 2, depth: 3, maxLlmCallsPerStep: 200 });
      const refused = await replay([incident, '--budget', 'huge']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('--budget must be one of demo, paper, config');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
