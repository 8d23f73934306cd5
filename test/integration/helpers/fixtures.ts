import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ALERT_FIXTURES = join(__dirname, '..', '..', 'fixtures', 'alerts');

export interface FixtureMessage {
  /** The folder under test/fixtures/alerts (the format the file was collected as). */
  folder: string;
  file: string;
  /** One Kafka message, exactly as a connector would send it. */
  raw: string;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const isDataFile = (path: string): boolean => !/LICEN[CS]E|README|\.md$|\.rules$/i.test(path);

/**
 * Splits a concatenation of pretty-printed JSON objects (Kibana's es_archiver `data.json`) into one text per
 * object, by brace depth outside strings.
 */
export function splitJsonStream(text: string): string[] {
  const objects: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (char === '}' && --depth === 0) objects.push(text.slice(start, i + 1));
  }
  return objects;
}

/**
 * Every real fixture as the messages a connector would produce: es_archiver files one object per message, all
 * others one line per message (blank lines and `#` header lines of Zeek TSV logs left out, as the Filebeat
 * connectors do with `exclude_lines`).
 */
export function fixtureMessages(): FixtureMessage[] {
  return listFiles(ALERT_FIXTURES)
    .filter(isDataFile)
    .sort()
    .flatMap((path) => {
      const folder = relative(ALERT_FIXTURES, path).split('/')[0] as string;
      const file = relative(ALERT_FIXTURES, path);
      const text = readFileSync(path, 'utf8');
      const raws = path.endsWith('.data.json')
        ? splitJsonStream(text)
        : text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
      return raws.map((raw) => ({ folder, file, raw }));
    });
}
