/**
 * Helm templates written as objects: a string `{{ … }}` value becomes that template expression
 * unquoted, and `helmBlock(expr)` becomes an indented `toYaml` block of the value, so the chart is
 * real Helm rendered by the real helm-controller.
 */
import { stringify } from 'yaml';

const EXPR = /^\{\{.*\}\}$/;
const BLOCK_PREFIX = '__helm_block__:';

/** A map-valued field rendered from values, e.g. `helmBlock('.Values.podAnnotations')`. */
export function helmBlock(expr: string): string {
  return `${BLOCK_PREFIX}${expr}`;
}

export function helmYaml(obj: unknown): string {
  const text = stringify(obj, { lineWidth: 0 });
  return text
    .split('\n')
    .map((line) => {
      const block = new RegExp(`^(\\s*)([^\\s:]+): ${BLOCK_PREFIX}(.+)$`).exec(line);
      if (block) return `${block[1]}${block[2]}:\n${block[1]}  {{- toYaml ${block[3]} | nindent ${block[1].length + 2} }}`;
      const scalar = /^(\s*(?:- )?[^\s:]+: )["']?(\{\{.*\}\})["']?$/.exec(line);
      if (scalar && EXPR.test(scalar[2])) return `${scalar[1]}${scalar[2]}`;
      return line;
    })
    .join('\n');
}
