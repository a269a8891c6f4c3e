/** One test of `scimsim check`: its name as Microsoft names it (or "scimsim"), what it sends, what it enforces. */
import type { CheckContext } from './context.ts';

export type CheckSource = 'SCIM Validator' | 'Logic-App validation' | 'SCIM-TUT' | 'scimsim';

export interface CheckTest {
  /** Stable, for --only and reports. */
  id: string;
  /** Microsoft's name where Microsoft has the test. */
  name: string;
  source: CheckSource;
  /** A required test that fails makes the exit code 1; the others are reported. */
  required: boolean;
  /** The documented sentence (or the reason) the test enforces. */
  sentence: string;
  /** What it sends, in outline (`--plan` prints these). */
  requests: string[];
  /** Group tests run only with --groups and when the endpoint's discovery lists Groups. */
  groups?: boolean;
  run(ctx: CheckContext): Promise<void>;
}

export type Verdict = 'passed' | 'failed' | 'not applicable';
