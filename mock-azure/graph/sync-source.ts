/**
 * An attribute mapping's source in Graph's shape (attributeMappingSource): `{expression, name, parameters, type}`,
 * `type` Attribute, Constant or Function, a function's arguments as `parameters: [{key, value: <source>}]`. One
 * converts to the expression tree (expressions/parse.ts) and back; the text in `expression` is the tree written out.
 */
import { EXPRESSION_FUNCTIONS } from '../app/expressions/evaluate.ts';
import { type Expr, formatExpression, parseExpression, ExpressionError } from '../app/expressions/parse.ts';
import { badRequest } from './errors.ts';

export interface GraphSource {
  expression: string;
  name: string;
  parameters: Array<{ key: string; value: GraphSource }>;
  type: 'Attribute' | 'Constant' | 'Function';
}

// fidelity: Graph names each parameter as the function's definition does (`source`, `suffix`); scimsim numbers them
// (`p1`, `p2`, ...) and reads them in the order given.
export function toGraphSource(expr: Expr): GraphSource {
  const expression = formatExpression(expr);
  switch (expr.kind) {
    case 'attribute':
      return { expression, name: expr.name, parameters: [], type: 'Attribute' };
    case 'call':
      return {
        expression,
        name: expr.name,
        parameters: expr.args.map((a, i) => ({ key: `p${i + 1}`, value: toGraphSource(a) })),
        type: 'Function',
      };
    // A comparison (IIF's condition), a number, an enum name or an empty argument has no tree node of its own:
    // it is a Constant whose expression is its text.
    default:
      return { expression, name: expr.kind === 'string' ? expr.value : expression, parameters: [], type: 'Constant' };
  }
}

/** A PUT's source as an expression tree; anything unreadable or naming an unknown function is a 400 saying where. */
export function fromGraphSource(source: unknown, at: string): Expr {
  const s = (source ?? {}) as Partial<GraphSource>;
  if (s.type === 'Attribute' && typeof s.name === 'string') return { kind: 'attribute', name: s.name, at: 0 };
  if (s.type === 'Constant') {
    // An argument left out (Replace's unused ones) is a Constant with no expression at all; "" is the empty string.
    if (s.expression === '') return { kind: 'empty', at: 0 };
    // A constant's expression holds its text when it is not a plain string (a comparison, a number).
    if (typeof s.expression === 'string' && s.expression !== '' && !s.expression.startsWith('"'))
      return readText(s.expression, at);
    return { kind: 'string', value: typeof s.name === 'string' ? s.name : '', at: 0 };
  }
  if (s.type === 'Function' && typeof s.name === 'string') {
    if (!EXPRESSION_FUNCTIONS.some((f) => f.toLowerCase() === s.name!.toLowerCase()))
      throw badRequest(
        `${at}: ${s.name} is not a function this engine evaluates (${EXPRESSION_FUNCTIONS.join(', ')}).`,
      );
    const parameters = Array.isArray(s.parameters) ? s.parameters : [];
    return {
      kind: 'call',
      name: s.name,
      args: parameters.map((p, i) => fromGraphSource((p as { value?: unknown })?.value, `${at}.parameters[${i}]`)),
      at: 0,
    };
  }
  // No tree: the expression text alone, as the portal's expression box holds it.
  if (typeof s.expression === 'string' && s.expression !== '') return readText(s.expression, at);
  throw badRequest(`${at}: a source is an Attribute, a Constant or a Function (or an expression).`);
}

function readText(text: string, at: string): Expr {
  try {
    return parseExpression(text);
  } catch (error) {
    if (error instanceof ExpressionError) throw badRequest(`${at}.expression: ${error.message}`);
    throw error;
  }
}
