/** The GitHub Actions workflows as the workflow tests read them. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

export interface Job {
  name?: string;
  uses?: string;
  needs?: string | string[];
  if?: string;
  with?: Record<string, unknown>;
  secrets?: string;
  strategy?: { matrix?: Json; 'fail-fast'?: boolean };
  'runs-on'?: string;
  container?: string | { image?: string; options?: string };
  environment?: string;
  steps?: Step[];
}

export interface Workflow {
  name: string;
  on: Json;
  permissions?: Json;
  jobs: Record<string, Job>;
}

export const workflowText = (file: string) => readFileSync(new URL(`../../.github/workflows/${file}`, import.meta.url), 'utf8');
export const loadWorkflow = (file: string) => parse(workflowText(file)) as Workflow;
