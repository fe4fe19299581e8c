/** The sim's network reachability model: everything reachable until a module sets a rule. */
import type { SimNet } from './context.js';

export function createSimNet(): SimNet {
  let rule: (fromNamespace: string, url: string) => boolean = () => true;
  return {
    canReach: (fromNamespace, url) => rule(fromNamespace, url),
    setRule: (next) => {
      rule = next;
    },
  };
}
