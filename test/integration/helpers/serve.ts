import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { runServe, type ServeOptions } from '../../../src/app/serve';
import type { Config } from '../../../src/config';
import { createJsonLogger } from '../../../src/logger';

/** An ECS log line (`log.level`, `message`, ...). */
export interface LogLine {
  'log.level': string;
  message: string;
  [field: string]: unknown;
}

export interface RunningServe {
  logs: LogLine[];
  stop(): Promise<void>;
  /** Settles when runServe returns (after stop, or on a fatal error). */
  done: Promise<void>;
  /** Where the HTTP endpoint listens (IRA_HTTP_PORT=0 in tests: a free port). */
  listening: Promise<{ host: string; port: number }>;
}

/** Runs `ira serve` in this process, as the CLI would, collecting its log lines for assertions. */
export function startServe(config: Config, options: Omit<ServeOptions, 'onListening'> = {}): RunningServe {
  const logs: LogLine[] = [];
  const logger = createJsonLogger({ level: 'info', write: (line) => void logs.push(JSON.parse(line) as LogLine) });
  const controller = new AbortController();
  let listened: (address: { host: string; port: number }) => void = () => undefined;
  const listening = new Promise<{ host: string; port: number }>((resolve) => (listened = resolve));
  const done = runServe(config, logger, controller.signal, { ...options, onListening: (address) => listened(address) });
  done.catch(() => undefined);
  return {
    logs,
    done,
    listening,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

export interface ServeProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `ira serve` as a separate OS process (ts-node, transpile only) so a test can kill it for real (SIGKILL:
 * no shutdown hook runs, nothing is flushed or committed on the way out).
 */
export function spawnServe(environment: Record<string, string>): ServeProcess {
  const entry = join(__dirname, 'serve-entry.ts');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { ...process.env, IRA_HTTP_PORT: '0', ...environment, TS_NODE_PROJECT: join(__dirname, '..', '..', '..', 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}
