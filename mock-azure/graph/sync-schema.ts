/**
 * The synchronization template and the job's schema, in Graph's shapes (synchronizationTemplate,
 * synchronizationSchema): the app's one template, and the attribute mappings the engine applies. `PUT .../schema`
 * takes back what the engine models: user mappings whose source is a directory attribute, a constant, Entra's
 * `Not([IsSoftDeleted])` or any expression the engine evaluates (sync-source.ts: a tree, or its text alone), their
 * default value, matching priority and flow type, the users' scoping filters (sync-scope.ts), and whether groups are
 * provisioned.
 */
import type { EnterpriseApplication, ProvisioningSettingsInput } from '../app/application.ts';
import { type AttributeMapping, EXPRESSION_ATTRIBUTES, mappingProblem, SOURCE_ATTRIBUTES } from '../app/mappings.ts';
import { parseTargetPath } from '../app/target-paths.ts';
import { badRequest } from './errors.ts';
import { fromGraphSource, toGraphSource } from './sync-source.ts';
import { attributesOf, type Expr, ExpressionError } from '../app/expressions/parse.ts';
import { checkExpression } from '../app/expressions/evaluate.ts';
import { renderScope, scopeFilters } from './sync-scope.ts';

/** The app's one template. fidelity: a gallery app's template is named after the app; "scim" is the custom-app one. */
export const TEMPLATE_ID = 'scim';

const USER_TARGET = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_TARGET = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export function renderTemplate(app: EnterpriseApplication) {
  return {
    id: TEMPLATE_ID,
    applicationId: app.id,
    default: true,
    description: `Provisioning from Microsoft Entra ID to ${app.displayName} over SCIM 2.0`,
    discoverable: true,
    factoryTag: TEMPLATE_ID,
    metadata: [],
  };
}

/** An attribute's source as Graph writes it: `[name]`, or for `active` Entra's `Not([IsSoftDeleted])`. */
function source(mapping: AttributeMapping) {
  const attribute = (name: string) => ({ expression: `[${name}]`, name, parameters: [], type: 'Attribute' });
  if (mapping.expression) return toGraphSource(mapping.expression);
  if (mapping.constant !== undefined) return toGraphSource({ kind: 'string', value: mapping.constant, at: 0 });
  if (mapping.source !== 'IsSoftDeleted') return attribute(mapping.source!);
  return {
    expression: 'Not([IsSoftDeleted])',
    name: 'Not',
    parameters: [{ key: 'source', value: attribute('IsSoftDeleted') }],
    type: 'Function',
  };
}

/** One mapping as Graph's attributeMapping shows it (and a PUT takes it back). */
export function graphAttributeMapping(mapping: AttributeMapping) {
  return {
    defaultValue: mapping.defaultValue ?? null,
    exportMissingReferences: false,
    flowBehavior: 'FlowWhenChanged',
    flowType: mapping.apply === 'creation' ? 'ObjectAddOnly' : 'Always',
    matchingPriority: mapping.matchingPrecedence ?? 0,
    source: source(mapping),
    targetAttributeName: mapping.target,
  };
}

export function renderSchema(app: EnterpriseApplication) {
  const { settings } = app;
  const flowTypes = [
    settings.targetActions.create ? 'Add' : '',
    settings.targetActions.update ? 'Update' : '',
    settings.targetActions.delete ? 'Delete' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return {
    id: TEMPLATE_ID,
    directories: [],
    synchronizationRules: [
      {
        editable: true,
        id: `AD2SCIM.${TEMPLATE_ID}`,
        metadata: [],
        name: `AD2SCIM.${TEMPLATE_ID}`,
        objectMappings: [
          {
            attributeMappings: settings.mappings.map(graphAttributeMapping),
            enabled: true,
            flowTypes,
            metadata: [],
            name: 'Provision Microsoft Entra ID Users',
            scope: renderScope(settings.scopingFilters),
            sourceObjectName: 'User',
            targetObjectName: USER_TARGET,
          },
          {
            // What group provisioning sends (group-sync.ts): the display name and the provisioned direct members.
            attributeMappings: [
              graphAttributeMapping({ source: 'displayName', target: 'displayName', matchingPrecedence: 1 }),
              {
                ...graphAttributeMapping({ source: 'displayName', target: 'members' }),
                source: { expression: '[members]', name: 'members', parameters: [], type: 'Attribute' },
              },
            ],
            enabled: settings.groupProvisioning,
            flowTypes,
            metadata: [],
            name: 'Provision Microsoft Entra ID Groups',
            scope: null,
            sourceObjectName: 'Group',
            targetObjectName: GROUP_TARGET,
          },
        ],
        priority: 1,
        sourceDirectoryName: 'Azure Active Directory',
        targetDirectoryName: 'customappsso',
      },
    ],
    version: 'scimsim',
  };
}

/**
 * A PUT schema as the settings it changes: the user mappings, and group provisioning. Everything is checked before
 * anything changes; what this engine does not model is refused with the reason.
 */
export function schemaSettings(
  body: Record<string, unknown>,
): Pick<ProvisioningSettingsInput, 'mappings' | 'groupProvisioning' | 'scopingFilters'> {
  const rules = body.synchronizationRules;
  if (!Array.isArray(rules) || rules.length !== 1)
    throw badRequest('synchronizationRules must hold the one rule GET .../schema shows.');
  const objectMappings = (rules[0] as { objectMappings?: unknown }).objectMappings;
  if (!Array.isArray(objectMappings)) throw badRequest('synchronizationRules[0].objectMappings must be an array.');
  const of = (source: string) =>
    objectMappings.find((m) => (m as { sourceObjectName?: unknown })?.sourceObjectName === source) as
      | { attributeMappings?: unknown; enabled?: unknown; scope?: unknown }
      | undefined;
  const users = of('User');
  if (!users || !Array.isArray(users.attributeMappings))
    throw badRequest("The objectMapping with sourceObjectName 'User' and its attributeMappings are required.");
  const scopingFilters = scopeFilters(users.scope, "objectMappings['User'].scope");
  const mappings = users.attributeMappings.map((m, i) => userMapping(m, `User.attributeMappings[${i}]`));
  const seen = new Set<string>();
  for (const m of mappings) {
    // One mapping per target, as the portal allows: a second would leave which value is sent to chance.
    if (seen.has(m.target.toLowerCase()))
      throw badRequest(`Two attribute mappings have the target attribute '${m.target}'; a target is mapped once.`);
    seen.add(m.target.toLowerCase());
  }
  if (!mappings.some((m) => m.matchingPrecedence !== undefined))
    throw badRequest('At least one attribute mapping must be a matching attribute (matchingPriority 1 or more).');
  const groups = of('Group');
  return {
    mappings,
    scopingFilters,
    ...(groups && typeof groups.enabled === 'boolean' ? { groupProvisioning: groups.enabled } : {}),
  };
}

/** An expression a PUT brings, checked as the loader checks YAML's: known functions, their arity, the directory's attributes. */
function checkedExpression(expr: Expr, at: string): Expr {
  try {
    checkExpression(expr);
  } catch (error) {
    if (error instanceof ExpressionError) throw badRequest(`${at}.source: ${error.message}`);
    throw error;
  }
  for (const name of attributesOf(expr))
    if (![...EXPRESSION_ATTRIBUTES].some((s) => s.toLowerCase() === name.toLowerCase()))
      throw badRequest(`${at}.source: [${name}] is not a directory attribute this engine has.`);
  return expr;
}

function userMapping(value: unknown, at: string): AttributeMapping {
  const m = (value ?? {}) as {
    source?: { type?: unknown; name?: unknown; parameters?: unknown };
    targetAttributeName?: unknown;
    matchingPriority?: unknown;
    flowType?: unknown;
    defaultValue?: unknown;
  };
  if (typeof m.targetAttributeName !== 'string' || m.targetAttributeName === '')
    throw badRequest(`${at}.targetAttributeName must be a SCIM attribute path.`);
  try {
    parseTargetPath(m.targetAttributeName);
  } catch {
    throw badRequest(`${at}.targetAttributeName '${m.targetAttributeName}' is not a path this engine writes.`);
  }
  const source = sourceOf(m.source, at);
  const problem = mappingProblem({ ...source, target: m.targetAttributeName });
  if (problem) throw badRequest(`${at}: ${problem}.`);
  const priority = m.matchingPriority ?? 0;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0)
    throw badRequest(`${at}.matchingPriority must be a whole number (0: not a matching attribute).`);
  if (m.flowType !== undefined && m.flowType !== 'Always' && m.flowType !== 'ObjectAddOnly')
    throw badRequest(`${at}.flowType must be Always or ObjectAddOnly.`);
  if (m.defaultValue !== undefined && m.defaultValue !== null && typeof m.defaultValue !== 'string')
    throw badRequest(`${at}.defaultValue must be a string or null.`);
  return {
    ...source,
    ...(typeof m.defaultValue === 'string' ? { defaultValue: m.defaultValue } : {}),
    target: m.targetAttributeName,
    ...(priority > 0 ? { matchingPrecedence: priority } : {}),
    ...(m.flowType === 'ObjectAddOnly' ? { apply: 'creation' as const } : {}),
  };
}

function sourceOf(
  source: { type?: unknown; name?: unknown; parameters?: unknown } | undefined,
  at: string,
): Pick<AttributeMapping, 'source' | 'constant' | 'expression'> {
  const refuse = () =>
    badRequest(
      `${at}.source: this engine maps the directory attributes ${[...SOURCE_ATTRIBUTES].filter((s) => s !== 'IsSoftDeleted').join(', ')}, constants, and expressions of them.`,
    );
  if (source?.type === 'Attribute' && typeof source.name === 'string') {
    const name = [...SOURCE_ATTRIBUTES].find((s) => s.toLowerCase() === String(source.name).toLowerCase());
    if (!name || name === 'IsSoftDeleted') throw refuse();
    return { source: name };
  }
  if (source?.type === 'Constant') {
    const expr = fromGraphSource(source, `${at}.source`);
    return expr.kind === 'string' ? { constant: expr.value } : { expression: checkedExpression(expr, at) };
  }
  if (source?.type === 'Function') {
    const expr = checkedExpression(fromGraphSource(source, `${at}.source`), at);
    // Entra's `active` mapping, as its tree or its text alone, is the one the engine knows: the same setting either
    // way (a console that sends the text must not start a full sync by it).
    const [arg] = expr.kind === 'call' ? expr.args : [];
    if (
      expr.kind === 'call' &&
      expr.name.toLowerCase() === 'not' &&
      expr.args.length === 1 &&
      arg?.kind === 'attribute' &&
      arg.name.toLowerCase() === 'issoftdeleted'
    )
      return { source: 'IsSoftDeleted' };
    return { expression: expr };
  }
  throw refuse();
}
