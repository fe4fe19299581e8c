/**
 * The JSONPath subset CRD printer columns use: `.a.b`, `['a.b']`, `[0]`, `[*]` and
 * filters `[?(@.type=="Ready")]` with `==` / `!=` against a string, number or boolean.
 */
export type JsonPathStep =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: unknown };

const FILTER = /^\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*(==|!=)\s*(.+)\)$/;

function parseLiteral(raw: string): unknown {
  const s = raw.trim();
  if (/^'.*'$/.test(s)) return s.slice(1, -1);
  if (/^".*"$/.test(s)) return JSON.parse(s) as unknown;
  if (s === 'true' || s === 'false') return s === 'true';
  const n = Number(s);
  if (!Number.isNaN(n)) return n;
  throw new Error(`unsupported JSONPath literal: ${raw}`);
}

function parseBracket(inner: string): JsonPathStep {
  const s = inner.trim();
  if (s === '*') return { kind: 'wildcard' };
  if (/^-?\d+$/.test(s)) return { kind: 'index', index: Number(s) };
  if (/^'.*'$|^".*"$/.test(s)) return { kind: 'field', name: s.slice(1, -1) };
  const m = FILTER.exec(s);
  if (m) return { kind: 'filter', path: m[1].slice(1).split('.'), op: m[2] as '==' | '!=', value: parseLiteral(m[3]) };
  throw new Error(`unsupported JSONPath expression: [${inner}]`);
}

/** Index of the `]` closing the bracket opened at `open`, skipping brackets inside quotes. */
function closingBracket(expr: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return i;
  }
  throw new Error(`unterminated [ in JSONPath: ${expr}`);
}

export function parseJsonPath(expression: string): JsonPathStep[] {
  let expr = expression.trim();
  if (expr.startsWith('{') && expr.endsWith('}')) expr = expr.slice(1, -1).trim();
  if (expr.startsWith('$')) expr = expr.slice(1);
  const steps: JsonPathStep[] = [];
  let i = 0;
  while (i < expr.length) {
    if (expr[i] === '.') {
      const m = /^[A-Za-z0-9_-]+/.exec(expr.slice(i + 1));
      if (!m) throw new Error(`unsupported JSONPath expression: ${expression}`);
      steps.push({ kind: 'field', name: m[0] });
      i += 1 + m[0].length;
    } else if (expr[i] === '[') {
      const close = closingBracket(expr, i);
      steps.push(parseBracket(expr.slice(i + 1, close)));
      i = close + 1;
    } else {
      throw new Error(`unsupported JSONPath expression: ${expression}`);
    }
  }
  return steps;
}

function childrenOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return Object.values(value);
  return [];
}

function fieldOf(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function apply(step: JsonPathStep, value: unknown): unknown[] {
  switch (step.kind) {
    case 'field': {
      const v = fieldOf(value, step.name);
      return v === undefined ? [] : [v];
    }
    case 'index': {
      if (!Array.isArray(value)) return [];
      const v: unknown = value[step.index < 0 ? value.length + step.index : step.index];
      return v === undefined ? [] : [v];
    }
    case 'wildcard':
      return childrenOf(value);
    case 'filter':
      return childrenOf(value).filter((item) => {
        const actual = step.path.reduce<unknown>((cur, name) => fieldOf(cur, name), item);
        return step.op === '==' ? actual === step.value : actual !== undefined && actual !== step.value;
      });
  }
}

/** All values the path selects, in document order. */
export function evaluateJsonPath(steps: JsonPathStep[], root: unknown): unknown[] {
  return steps.reduce<unknown[]>((values, step) => values.flatMap((v) => apply(step, v)), [root]);
}
