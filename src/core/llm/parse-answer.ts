import type { z } from 'zod';
import { err, ok } from '../result';
import type { LlmInvalidAnswer, LlmResult, LlmUsage } from '../ports/llm';

/**
 * Turning a model's text into a validated value. Shared by every adapter and the scripted double, so that all of
 * them accept and reject exactly the same answers.
 */

export interface SplitAnswer {
  /** The text with every reasoning block removed, trimmed. */
  readonly content: string;
  /** The reasoning blocks' text, joined; absent when there was none. */
  readonly reasoning?: string;
}

const openTag = '<think>';
const closeTag = '</think>';

/**
 * Separates `<think>…</think>` blocks from the answer. Handles the DeepSeek-R1 shape where the opening tag is part of
 * the prompt template (text starts mid-thought and only `</think>` appears) and an unclosed block cut by the token
 * limit (everything after `<think>` is reasoning).
 */
export function splitReasoning(text: string): SplitAnswer {
  const thoughts: string[] = [];
  let rest = text;
  const firstOpen = rest.indexOf(openTag);
  const firstClose = rest.indexOf(closeTag);
  if (firstClose !== -1 && (firstOpen === -1 || firstClose < firstOpen)) {
    thoughts.push(rest.slice(0, firstClose));
    rest = rest.slice(firstClose + closeTag.length);
  }
  let parts = '';
  for (;;) {
    const open = rest.indexOf(openTag);
    if (open === -1) break;
    parts += rest.slice(0, open);
    const close = rest.indexOf(closeTag, open + openTag.length);
    if (close === -1) {
      thoughts.push(rest.slice(open + openTag.length));
      rest = '';
      break;
    }
    thoughts.push(rest.slice(open + openTag.length, close));
    rest = rest.slice(close + closeTag.length);
  }
  const content = (parts + rest).trim();
  const reasoning = thoughts.map((thought) => thought.trim()).filter(Boolean).join('\n\n');
  return reasoning ? { content, reasoning } : { content };
}

/** Scanning stops here: answers are bounded by maxTokens, this only guards against pathological input. */
const maxScanChars = 200_000;

/** Index of the `}` closing the object that opens at `start`, honouring strings and escapes; -1 if unbalanced. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/**
 * The last balanced `{…}` in the text that parses as JSON: the one ending last, and of those the outermost. Prose,
 * code fences and stray braces around it are ignored. Returns undefined when there is none.
 */
export function extractLastJsonObject(text: string): Record<string, unknown> | undefined {
  const scanned = text.length > maxScanChars ? text.slice(text.length - maxScanChars) : text;
  let best: { end: number; value: Record<string, unknown> } | undefined;
  for (let start = scanned.indexOf('{'); start !== -1; start = scanned.indexOf('{', start + 1)) {
    const end = matchingBrace(scanned, start);
    if (end === -1 || (best && end <= best.end)) continue;
    const value = tryParseObject(scanned.slice(start, end + 1));
    if (value) best = { end, value };
  }
  return best?.value;
}

function tryParseObject(candidate: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(candidate);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface AnswerMeta {
  readonly usage: LlmUsage;
  readonly latencyMs: number;
  readonly model: string;
  /** Reasoning the transport returned separately (Ollama's `message.thinking`). */
  readonly reasoning?: string | undefined;
  /** The model stopped because it reached maxTokens; named in the message since it explains most broken answers. */
  readonly truncated?: boolean | undefined;
}

const maxMessageChars = 600;

/** Validates a model's raw text against the schema; a bad answer is a value (LlmInvalidAnswer), never a throw. */
export function parseAnswer<T>(schema: z.ZodType<T>, rawText: string, meta: AnswerMeta): LlmResult<T> {
  const split = splitReasoning(rawText);
  const reasoning = [meta.reasoning?.trim(), split.reasoning].filter(Boolean).join('\n\n');
  const suffix = meta.truncated ? ' (the answer was cut at the token limit)' : '';
  const invalid = (message: string): LlmResult<T> => err(invalidAnswer(message + suffix, rawText, meta));
  const candidate = extractLastJsonObject(split.content);
  if (candidate === undefined) {
    return invalid(split.content ? 'the answer holds no JSON object' : 'the answer is empty (only reasoning or nothing)');
  }
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) return invalid(`the answer does not match the schema: ${describeIssues(parsed.error)}`);
  const base = { value: parsed.data, rawText, usage: meta.usage, latencyMs: meta.latencyMs, model: meta.model };
  return ok(reasoning ? { ...base, reasoning } : base);
}

export function invalidAnswer(message: string, rawText: string, meta: AnswerMeta): LlmInvalidAnswer {
  const base = { kind: 'invalid-answer' as const, message, rawText, usage: meta.usage, latencyMs: meta.latencyMs, model: meta.model };
  return meta.truncated ? { ...base, truncated: true } : base;
}

/** One line per issue (`path: message`), bounded, so it can be shown to the model or logged. */
export function describeIssues(error: z.ZodError): string {
  const text = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  return text.length > maxMessageChars ? `${text.slice(0, maxMessageChars - 1)}…` : text;
}
