#!/usr/bin/env node
import { ExitCodes, writeLine, type CliCommand, type CliIo } from './io';
import { runCalibrateCommand } from './calibrate';
import { runDashboardsCommand } from './dashboards';
import { runEvalCommand } from './eval';
import { runFeedbackCommand } from './feedback';
import { packageVersion } from '../version';
import { runModelCommand } from './model';
import { runDemoCommand, runReplayCommand } from './replay';
import { runServeCommand } from './serve-command';

const commands: Record<string, { run: CliCommand; summary: string }> = {
  demo: { run: runDemoCommand, summary: 'replay the bundled digital-twin incident with the embedded model and write a report' },
  replay: { run: runReplayCommand, summary: 'replay alerts (files, an Elasticsearch range or a Kafka range) offline through triage and the agent' },
  eval: { run: runEvalCommand, summary: 'score ira and baselines against ground truth over several seeds (ira eval bundled)' },
  calibrate: { run: runCalibrateCommand, summary: 'calibrate γ of the consistency guard for your model (split conformal, datasets/calibration)' },
  model: { run: runModelCommand, summary: 'get the default embedded model (ira model pull)' },
  serve: { run: runServeCommand, summary: 'run the live pipeline: Kafka → triage → Elasticsearch → agent' },
  dashboards: { run: runDashboardsCommand, summary: 'install the Kibana / OpenSearch Dashboards saved objects (ira dashboards install --kibana URL)' },
  feedback: { run: runFeedbackCommand, summary: 'report what became of a recommendation (accepted, executed, rejected, failed, false-positive)' },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['usage: ira <command> [options]   (ira <command> --help for details; ira --version)', '', 'commands:', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    writeLine(process.stdout, usage());
    return name === undefined ? ExitCodes.usage : ExitCodes.ok;
  }
  if (name === '--version' || name === '-v') {
    writeLine(process.stdout, packageVersion());
    return ExitCodes.ok;
  }
  const command = commands[name];
  if (!command) {
    writeLine(process.stderr, `ira: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return ExitCodes.usage;
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    // A second Ctrl-C means "now": in-flight work is abandoned uncommitted, which at-least-once delivery tolerates.
    if (signals > 1) process.exit(130);
    writeLine(process.stderr, `ira: ${signal} received, stopping (again to force)`);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
  return command.run(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    writeLine(process.stderr, `ira: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = ExitCodes.failed;
  },
);
