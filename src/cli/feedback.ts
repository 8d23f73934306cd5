import { parseArgs } from 'node:util';
import { completeFeedback, produceFeedback } from '../app/feedback';
import { FeedbackStatuses } from '../core/documents/feedback';
import { describeError } from '../errors';
import { ExitCodes, cliLogger, loadConfigOrReport, reportFailure, writeLine, type CliIo } from './io';

export const feedbackUsage = `usage: ira feedback <recommendation-id> --status <status> [--comment TEXT] [--actor NAME] [--json]

Reports what became of a recommendation: produces one message to the feedback topic (IRA_TOPIC_FEEDBACK,
ira.feedback), which \`ira serve\` applies: the recommendation's ira.status changes and the agent steps the incident
again with the feedback (executed counts as done, rejected is never proposed again, false-positive closes it).

  <recommendation-id>  the _id of the ira-recommendations document: <incident id>:<step>
  --status             ${FeedbackStatuses.join(' | ')}
  --comment            free text for the agent and the next analyst (at most 2000 characters)
  --actor              who reports it (default: $USER)
  --json               print the message sent as JSON`;

const options = {
  status: { type: 'string' },
  comment: { type: 'string' },
  actor: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function runFeedbackCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    writeLine(io.stderr, `ira feedback: ${(error as Error).message}\n${feedbackUsage}`);
    return ExitCodes.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    writeLine(io.stdout, feedbackUsage);
    return ExitCodes.ok;
  }
  const [recommendationId, ...extra] = positionals;
  if (recommendationId === undefined || extra.length > 0 || values.status === undefined) {
    const problem = recommendationId === undefined ? 'a recommendation id is required' : extra.length > 0 ? `unexpected argument ${JSON.stringify(extra[0])}` : '--status is required';
    writeLine(io.stderr, `ira feedback: ${problem}\n${feedbackUsage}`);
    return ExitCodes.usage;
  }
  let message;
  try {
    const actor = values.actor ?? io.env['USER'];
    message = completeFeedback(
      { recommendation_id: recommendationId, status: values.status, ...(values.comment === undefined ? {} : { comment: values.comment }), ...(actor ? { actor } : {}) },
      'cli',
    );
  } catch (error) {
    writeLine(io.stderr, `ira feedback: ${describeError(error)}\n${feedbackUsage}`);
    return ExitCodes.usage;
  }
  const config = loadConfigOrReport(io);
  if (config === undefined) return ExitCodes.usage;
  try {
    const { topic } = await produceFeedback(config, message, cliLogger(config, io), io.signal);
    if (values.json) writeLine(io.stdout, JSON.stringify(message));
    else writeLine(io.stdout, `feedback ${message.feedback_id ?? ''} sent to ${topic}: ${message.recommendation_id} ${message.status}`);
    return ExitCodes.ok;
  } catch (error) {
    reportFailure(io, 'feedback', error);
    return ExitCodes.failed;
  }
}
