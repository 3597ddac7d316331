/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), standing in for
 * `promtool check metrics`: it throws at the first malformed line and reports what promtool's linter
 * would (duplicate series, samples before their TYPE, a family split in two, histogram buckets that are
 * not cumulative or disagree with _count, counters without _total).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count', ''],
};

// Special values are matched ignoring case, as Prometheus' parser (Go's ParseFloat) does: prom-client writes "Nan".
function parseValue(text: string, line: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`bad value "${text}" in: ${line}`);
  return Number(text);
}

/** `name{a="x",b="y"} value` → the sample; label values unescaped (\\, \", \n only). */
function parseSample(line: string): Sample {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
  if (!NAME.test(name)) throw new Error(`bad metric name "${name}" in: ${line}`);
  const labels: Record<string, string> = {};
  let i = name.length;
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const eq = line.indexOf('=', i);
      const label = line.slice(i, eq);
      if (!LABEL.test(label)) throw new Error(`bad label name "${label}" in: ${line}`);
      if (label in labels) throw new Error(`label ${label} twice in: ${line}`);
      if (line[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`);
      let j = eq + 2;
      let value = '';
      for (; line[j] !== '"'; j++) {
        if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
        if (line[j] === '\\') {
          const next = line[++j];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new Error(`bad escape \\${next} in: ${line}`);
        } else value += line[j];
      }
      labels[label] = value;
      i = j + 1;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } after a label in: ${line}`);
    }
    i++;
  }
  const rest = line.slice(i);
  if (!rest.startsWith(' ')) throw new Error(`expected a space before the value in: ${line}`);
  const parts = rest.trim().split(/\s+/);
  if (parts.length > 2) throw new Error(`trailing text in: ${line}`);
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`bad timestamp in: ${line}`);
  return { name, labels, value: parseValue(parts[0]!, line) };
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  if (families.has(sampleName)) return families.get(sampleName);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const f = families.get(sampleName.slice(0, -suffix.length));
    if (f && SUFFIXES[f.type]?.includes(suffix)) return f;
  }
  return undefined;
}

const seriesKey = (s: Sample) =>
  `${s.name}{${Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
    .join(',')}}`;

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const series = new Set<string>();
  const closed = new Set<string>();
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      let family = families.get(name);
      if (family && closed.has(name)) throw new Error(`family ${name} appears twice`);
      if (!family) families.set(name, (family = { name, type: 'untyped', help: '', samples: [] }));
      if (current && current !== family) closed.add(current.name);
      current = family;
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`unknown type in: ${line}`);
        if (family.samples.length) throw new Error(`TYPE after samples of ${name}`);
        family.type = rest;
      } else family.help = rest;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const family = familyOf(sample.name, families);
    if (!family) throw new Error(`sample without HELP/TYPE: ${line}`);
    if (family !== current) throw new Error(`samples of ${family.name} are not together: ${line}`);
    const key = seriesKey(sample);
    if (series.has(key)) throw new Error(`duplicate series ${key}`);
    series.add(key);
    family.samples.push(sample);
  }
  for (const f of families.values()) checkFamily(f);
  return families;
}

function checkFamily(f: Family): void {
  if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`counter ${f.name} lacks _total`);
  if (f.type !== 'counter' && f.name.endsWith('_total'))
    throw new Error(`${f.type} ${f.name} ends in _total`);
  if (f.type !== 'histogram') return;
  const groups = new Map<string, Sample[]>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(s);
    if (s.name.endsWith('_bucket') && le === undefined) throw new Error(`${s.name} bucket without le`);
  }
  for (const [key, samples] of groups) {
    const buckets = samples.filter((s) => s.name.endsWith('_bucket'));
    const count = samples.find((s) => s.name.endsWith('_count'));
    let previous = -Infinity;
    let last = -1;
    for (const b of buckets) {
      if (b.value < last) throw new Error(`${f.name}${key}: buckets not cumulative`);
      const le = parseValue(b.labels.le!, b.labels.le!);
      if (le <= previous) throw new Error(`${f.name}${key}: le not increasing`);
      previous = le;
      last = b.value;
    }
    if (previous !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (!count || count.value !== last) throw new Error(`${f.name}${key}: +Inf bucket differs from _count`);
  }
}
