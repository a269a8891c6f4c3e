/**
 * The package's main entry (`import ... from 'scimsim'`): the NordPass simulator, its clock and random source,
 * a whole world (both sides), serve mode, and the scenario runner.
 */
export { createNordPass, SCIM_BASE_PATH, type NordPass, type NordPassOptions } from './nordpass/app.ts';
export { DEFAULT_SETTINGS, type NordPassSettings, type NordPassSettingsInput } from './nordpass/config.ts';
export { DataFileError, NordPassStore } from './nordpass/store.ts';
export { Clock, ClockError, type AdvanceResult, type ClockOptions, type Task, type TimerHandle } from './clock.ts';
export { Random } from './random.ts';
export { formatDuration, formatInstant, parseDuration, parseInstant, TimeFormatError } from './time.ts';
export { startServer, type RunningServer, type ServeOptions } from './serve/server.ts';
// Both sides on one clock, as scenario runs and serve build them.
export { createWorld, type ScimRoute, type World, type WorldOptions } from './world.ts';
// The scenario runner: load a file (or text), run it in its own world, or run a set of files as `scimsim run` does.
export { loadScenarioFile, parseScenario, type Scenario, type ScenarioStep } from './scenario/load.ts';
export { formatProblem, ScenarioFileError, type ScenarioProblem } from './scenario/errors.ts';
export { findScenarioFiles, ScenarioPathError } from './scenario/files.ts';
export { runScenario, type RunOptions } from './scenario/run.ts';
export { loadAll, runSuite, type SuiteOptions } from './scenario/suite.ts';
export { scenarioJsonSchema } from './scenario/json-schema.ts';
export { DEFAULT_REPORTS, writeReports } from './report/index.ts';
export { MEMBER_EVENT_TYPES, MEMBER_STATUSES } from './nordpass/member-states.ts';
export type { MemberEventType, MemberStatus } from './nordpass/member-states.ts';
export type {
  AzureMarker,
  ExchangeResult,
  LogEntryResult,
  MemberTimeline,
  RunReport,
  MemberEventRecord,
  JobStatus,
  ScenarioResult,
  StepResult,
} from './scenario/result.ts';
