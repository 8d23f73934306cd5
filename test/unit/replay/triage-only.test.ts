import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runReplayCommand } from '../../../src/cli/replay';

/**
 * `ira replay --triage-only`: formats by content (the AIT-ADS alerts as published are a CSV in a `.txt` file), a
 * warning for every file that yields no alert, a non-zero exit when the whole input yields none, and no model.
 */
const aitCsv = join(__dirname, '../../fixtures/ait-ads/russellmitchell_attack_window.csv');

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function replay(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await runReplayCommand(args, { stdout: stdout.stream, stderr: stderr.stream, env, signal: new AbortController().signal });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('ira replay --triage-only', () => {
  let folder: string;
  let out: string;
  // A model directory with nothing in it: a replay that tried to load or pull a model would fail or hang.
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ira-triage-only-'));
    out = await mkdtemp(join(tmpdir(), 'ira-triage-only-out-'));
    env = { IRA_MODEL_DIR: await mkdtemp(join(tmpdir(), 'ira-no-model-')), IRA_LLM_PROVIDER: 'ollama', IRA_OLLAMA_HOST: 'http://127.0.0.1:9' };
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('reads an AIT-ADS CSV named *_alerts.txt by its content, warns for files with no alerts, and counts rejections by reason', async () => {
    await copyFile(aitCsv, join(folder, 'russellmitchell_alerts.txt'));
    await writeFile(join(folder, 'empty.txt'), '');
    await writeFile(join(folder, 'other.csv'), 'a,b,c\n1,2,3\n');
    await writeFile(join(folder, 'deep.json'), `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const result = await replay(['--triage-only', folder, '--json', '--out', out], env);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      counts: { alerts: number; rejected: number; incidents: number };
      rejections: { byReason: Record<string, number> };
      warnings: string[];
      files: { file: string; alerts: number }[];
      incidents: { id: string; score: number }[];
    };
    expect(summary.counts.alerts).toBeGreaterThan(100);
    expect(summary.files.find((file) => file.file.endsWith('russellmitchell_alerts.txt'))?.alerts).toBe(summary.counts.alerts);
    expect(summary.counts.incidents).toBeGreaterThan(0);
    expect(summary.incidents.length).toBeGreaterThan(0);
    expect(summary.counts.rejected).toBe(1);
    expect(summary.rejections.byReason.unparseable).toBe(1);
    for (const name of ['empty.txt', 'other.csv', 'deep.json']) {
      expect(summary.warnings.some((warning) => warning.includes(name))).toBe(true);
      expect(result.stderr).toContain(name);
    }
  });

  it('exits non-zero and says so when no file yields an alert', async () => {
    await writeFile(join(folder, 'notes.txt'), 'just some prose\nand more prose\n');
    const result = await replay(['--triage-only', folder, '--json', '--out', out], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no alerts in 2 record\(s\)/);
  });
});
