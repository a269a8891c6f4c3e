/** The problems a scenario text is refused for (a test that expects a refusal fails when the text is accepted). */
import { ScenarioFileError, type ScenarioProblem } from '../../simulator/scenario/errors.ts';
import { parseScenario } from '../../simulator/scenario/load.ts';

export function problemsOf(text: string, file = 'bad.yaml'): ScenarioProblem[] {
  try {
    parseScenario(text, file);
  } catch (error) {
    if (error instanceof ScenarioFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}
