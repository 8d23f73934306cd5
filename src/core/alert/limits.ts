/**
 * Bounds on one input record. Alert text is attacker-controlled, so every walk over it has a fixed ceiling: a
 * record over the size limit or nested deeper than the depth limit is refused before `JSON.parse` (which is
 * iterative in V8 and would survive it) hands a structure to the normalisers, whose walks are recursive.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Real alerts nest about 10 levels (Elastic endpoint alerts); 64 leaves room and keeps every recursion shallow. */
export const MAX_JSON_DEPTH = 64;
/** Longest value kept in a keyword field; longer ones are cut here and the field is listed in `ira.truncated`. */
export const MAX_KEYWORD_LENGTH = 1024;
/** Alert times outside these years are refused: far-off dates poison time windows and date histograms. */
export const MIN_ALERT_YEAR = 1970;
export const MAX_ALERT_YEAR = 2200;

/** UTF-8 length of `text`, counted only until it passes `limit` (the answer is then some value over the limit). */
export function utf8LengthOver(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // A surrogate pair is 4 bytes over two code units: 2 + 2.
    bytes += code < 0x80 ? 1 : code < 0x800 || (code >= 0xd800 && code <= 0xdfff) ? 2 : 3;
    if (bytes > limit) return true;
  }
  return false;
}

/**
 * Whether JSON text opens more than `limit` arrays/objects inside one another. One pass, strings skipped (with
 * their escapes), so brackets inside a string never count; malformed text is counted as written and left to
 * `JSON.parse` to refuse.
 */
export function jsonDepthOver(text: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22) index = skipString(text, index + 1);
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

/** Index of the closing quote of the string starting at `from` (or the end of the text when it is unterminated). */
function skipString(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x5c) index++;
    else if (code === 0x22) return index;
  }
  return text.length;
}
