/**
 * Gate ids are `<suite>/<name>` in one safe alphabet (letters, digits, `.`, `_`, `-`), the same
 * in file names, URLs and HTML anchors, JUnit, Allure history ids and the reports' filters. What
 * a gate checks, in words and symbols (`D31 RTO ≤ 30s`), is its title.
 */
export const GATE_ID = /^[a-z][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A gate id outside the alphabet is a harness bug: ids come from code and validated input. */
export function assertGateId(id: string): void {
  if (!GATE_ID.test(id)) throw new Error(`gate id ${JSON.stringify(id)} is not <suite>/<name> in [A-Za-z0-9._-]`);
}
