import type { DataBlock } from './prompt-template';

/**
 * Untrusted data (alert text is attacker-controlled) goes into the prompt as a delimited block:
 *
 *   <<<EVIDENCE id=3f9c0a71b2d4>>>
 *   {"rule":"...","message":"..."}          one JSON value per line
 *   <<<END EVIDENCE id=3f9c0a71b2d4>>>
 *
 * Each line is JSON with `<` and `>` escaped as \u003c / \u003e, so no line can contain a delimiter (or a newline).
 * The id is a nonce drawn once per incident from the injected random source (kept in `AgentState.promptNonce`):
 * the escaping alone already makes a delimiter unforgeable, the nonce is a second lock that alert text, written
 * before it was drawn, cannot know; one nonce per incident rather than per call keeps every prompt of a step (and
 * of later steps) byte-identical up to its varying tail, so a server can reuse the evaluated prefix. What did not
 * fit the character budget is said after the block, in our words.
 */
export interface PreparedData {
  readonly label: string;
  readonly lines: readonly string[];
  readonly total: number;
  readonly dropped: number;
  readonly maxChars: number;
  readonly unit: string;
}

export function encodeDataLine(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Cuts a string so that its encoded line fits `maxChars`, saying how much was cut. */
function fitString(text: string, maxChars: number): string {
  let keep = Math.min(text.length, maxChars);
  while (keep > 0) {
    const candidate = `${text.slice(0, keep)}…[${text.length - keep} chars cut]`;
    if (encodeDataLine(candidate).length <= maxChars) return candidate;
    keep = Math.floor(keep * 0.8);
  }
  return `[${text.length} chars cut]`;
}

/**
 * Cuts a text to at most `maxChars` characters at the last paragraph break, else line break, else sentence end,
 * else word boundary that fits, and says how much was left out: never a silent cut in the middle of a word.
 */
export function fitText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const marker = (rest: number): string => `\n[… ${rest} more characters]`;
  const room = Math.max(0, maxChars - marker(text.length).length);
  const head = text.slice(0, room);
  const cuts = [head.lastIndexOf('\n\n'), head.lastIndexOf('\n'), head.search(/[.!?]\s[^.!?]*$/) + 1, head.lastIndexOf(' ')];
  const at = cuts.find((cut) => cut >= room / 2) ?? room;
  const kept = text.slice(0, at).trimEnd();
  return `${kept}${marker(text.length - kept.length)}`;
}

/** Encodes the items in order until the budget is spent. A first item that is too long alone is cut, not dropped. */
export function prepareData(label: string, items: readonly unknown[], maxChars: number, unit = 'items'): PreparedData {
  const lines: string[] = [];
  let used = 0;
  for (const item of items) {
    let line = encodeDataLine(item);
    if (used + line.length + 1 > maxChars) {
      if (lines.length > 0) break;
      line = encodeDataLine(fitString(typeof item === 'string' ? item : encodeDataLine(item), maxChars));
    }
    lines.push(line);
    used += line.length + 1;
  }
  return { label, lines, total: items.length, dropped: items.length - lines.length, maxChars, unit };
}

export function wrapData(data: PreparedData, nonce: string): DataBlock {
  const open = `<<<${data.label} id=${nonce}>>>`;
  const close = `<<<END ${data.label} id=${nonce}>>>`;
  const body = data.lines.length > 0 ? data.lines.join('\n') : '"(none)"';
  const note =
    data.dropped > 0
      ? `\n(ira: ${data.dropped} of ${data.total} ${data.unit} left out of ${data.label} to stay within ${data.maxChars} characters)`
      : '';
  return { kind: 'data-block', text: `${open}\n${body}\n${close}${note}` };
}

/** 12 hex digits from the injected random source. */
export function makeNonce(random: () => number): string {
  let nonce = '';
  for (let index = 0; index < 12; index++) nonce += Math.min(15, Math.max(0, Math.floor(random() * 16))).toString(16);
  return nonce;
}
