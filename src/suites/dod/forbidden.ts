/**
 * Forbidden domain literals: mothership and partner hosts that must not survive on a
 * franchised Sovereign (its bundles and its catalyst ConfigMaps).
 */

export interface ForbiddenRule {
  id: string;
  description: string;
  pattern: RegExp;
}

export interface LiteralFinding {
  rule: string;
  /** Where the text came from: a URL, or `configmap <ns>/<name> key <k>`. */
  location: string;
  /** Character offset of the match in that text. */
  offset: number;
  line: number;
  column: number;
  match: string;
  excerpt: string;
}

/**
 * Kubernetes qualified-name prefixes under openova.io (API groups, label and annotation keys).
 * `catalyst.openova.io/slot` is a label key, not a host; the same name after `//` or `@` is a host.
 */
const QUALIFIED_NAME_PREFIXES = ['catalyst.openova.io/', 'bp.openova.io/'];

const HOST_CHAR = /[A-Za-z0-9-]/;

export function forbiddenRules(sovereign: string): ForbiddenRule[] {
  const sov = escapeRegExp(sovereign);
  return [
    { id: 'partner-host', description: 'partner host omantel.openova.io', pattern: /omantel\.openova\.io/gi },
    { id: 'mothership-host', description: 'openova.io or a subdomain (mothership)', pattern: /(?:[a-z0-9-]+\.)*openova\.io(?![a-z0-9-])/gi },
    { id: 'eventforge', description: 'eventforge.io or a subdomain', pattern: /(?:[a-z0-9-]+\.)*eventforge\.io(?![a-z0-9-])/gi },
    { id: 'admin-host', description: `admin.${sovereign} (no such host on a Sovereign)`, pattern: new RegExp(`admin\\.${sov}(?![a-z0-9.-])`, 'gi') },
    { id: 'pool-tld-typo', description: 'plural omani.trades (the pool TLD is omani.trade)', pattern: /omani\.trades(?![a-z0-9-])/gi },
  ];
}

/** Every forbidden literal in `text`; a partner-host match is not repeated as a mothership-host match. */
export function scanText(text: string, location: string, rules: ForbiddenRule[]): LiteralFinding[] {
  const out: LiteralFinding[] = [];
  const claimed = new Set<number>();
  for (const rule of rules) {
    for (const m of text.matchAll(rule.pattern)) {
      const offset = m.index ?? 0;
      if (offset > 0 && HOST_CHAR.test(text[offset - 1])) continue;
      if (claimed.has(offset + m[0].length)) continue;
      if (isQualifiedName(text, offset, m[0])) continue;
      claimed.add(offset + m[0].length);
      const { line, column } = lineColumn(text, offset);
      out.push({ rule: rule.id, location, offset, line, column, match: m[0], excerpt: excerpt(text, offset, m[0].length) });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function isQualifiedName(text: string, offset: number, match: string): boolean {
  const rest = text.slice(offset, offset + match.length + 1).toLowerCase();
  if (!QUALIFIED_NAME_PREFIXES.some((p) => rest === p)) return false;
  const before = text.slice(Math.max(0, offset - 2), offset);
  return !before.endsWith('//') && !before.endsWith('@');
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function excerpt(text: string, offset: number, length: number): string {
  const from = Math.max(0, offset - 40);
  const to = Math.min(text.length, offset + length + 40);
  return text.slice(from, to).replace(/\s+/g, ' ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
