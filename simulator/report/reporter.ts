/** Reporters: one file each, one small interface. They read a finished run's result and write one file. */
import type { RunReport } from '../scenario/result.ts';

export interface Reporter {
  /** The name used in `--report json,junit,md,html`. */
  readonly name: string;
  /** The file it writes inside the output folder. */
  readonly fileName: string;
  render(report: RunReport): string;
}
