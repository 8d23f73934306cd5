import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeAlert } from '../../../src/core/alert/normalize';
import type { AlertFormat } from '../../../src/core/alert/schema';
import { ALERT_FIXTURES } from './fixtures';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface AlertLine {
  format: AlertFormat;
  line: string;
}

function lines(relativePath: string, count: number, skip = 0): string[] {
  return readFileSync(join(ALERT_FIXTURES, relativePath), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .slice(skip, skip + count);
}

/**
 * Real alert lines of four formats, as the sensors wrote them (one alert per line): what a file-tailing
 * connector ships. `half` picks a disjoint second set, for lines appended while the connector runs.
 */
export function alertLines(half: 0 | 1): AlertLine[] {
  const skip = half * 3;
  return [
    ...lines('suricata-eve/honeypot-2018.ndjson', 3, skip).map((line) => ({ format: 'suricata-eve' as const, line })),
    ...lines('snort/ait-lds-v1.1-fast-log/fast.log', 3, skip).map((line) => ({ format: 'snort' as const, line })),
    ...lines('wazuh/ait-ads-fox/wazuh_attack_lines.ndjson', 3, skip).map((line) => ({ format: 'wazuh' as const, line })),
    ...lines('zeek-notice/007-ssh-honeypot-notice.log', 3, skip).map((line) => ({ format: 'zeek-notice' as const, line })),
  ];
}

/** ira's normaliser accepts every message, each as the format its source line is. */
export function expectNormalised(messages: readonly string[], expected: readonly AlertLine[]): void {
  expect(messages).toEqual(expected.map((entry) => entry.line));
  for (const [index, message] of messages.entries()) {
    const result = normalizeAlert(message);
    if (!result.ok) throw new Error(`message ${index} rejected (${result.error.reason}): ${result.error.message}`);
    expect([index, result.value.ira.format]).toEqual([index, expected[index]?.format]);
  }
}

/** Fails (never skips) when a command-line tool the test needs is not installed. */
export function requireTool(command: string, args: readonly string[], hint: string): string {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(`${command} is not usable (${probe.error?.message ?? `exit ${String(probe.status)}: ${probe.stderr}`}); ${hint}`);
  }
  return `${probe.stdout}${probe.stderr}`.split('\n')[0] ?? '';
}

/** Starts a command in its own process group; the returned stop() ends the whole group (a pipeline included). */
export function startGroup(command: string, args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; stop: () => void } {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}
