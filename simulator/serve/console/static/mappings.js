// Provisioning > Mappings: "Provision Microsoft Entra ID Groups", and the users' Source object scope (scoping
// filters). Both live in the job's schema, read and written over Graph (GET/PUT .../jobs/{id}/schema); with no job
// yet, the first change makes one (POST .../jobs), as a Graph script would. Saving starts a full sync.
import { $, act, addView, api, button, el, graph, onNewWorld } from './core.js';
import { nordpassApp } from './provisioning.js';

let schema;
let withoutValue = [];

async function jobsPath() {
  return `/servicePrincipals/${await nordpassApp()}/synchronization/jobs`;
}

/** The job's id, making the job when there is none (only when asked to, for a change). */
async function jobId(make) {
  const { value } = await graph('GET', await jobsPath());
  if (value[0]) return value[0].id;
  if (!make) return undefined;
  return (await graph('POST', await jobsPath(), { templateId: 'scim' })).id;
}

const users = (s) => s.synchronizationRules[0].objectMappings.find((m) => m.sourceObjectName === 'User');
const groups = (s) => s.synchronizationRules[0].objectMappings.find((m) => m.sourceObjectName === 'Group');

/** Reads the schema, changes it, writes it back: one PUT, as the portal's Save on the mappings page. */
async function change(edit) {
  const id = await jobId(true);
  const { '@odata.context': _context, ...current } = await graph('GET', `${await jobsPath()}/${id}/schema`);
  edit(current);
  await graph('PUT', `${await jobsPath()}/${id}/schema`, current);
}

const clauseText = (c) =>
  `${c.sourceOperandName} ${c.operatorName}${c.targetOperand.values.length ? ` ${c.targetOperand.values[0]}` : ''}`;

async function refreshMappings() {
  const id = await jobId(false);
  schema = id ? await graph('GET', `${await jobsPath()}/${id}/schema`) : undefined;
  const filters = schema ? (users(schema).scope?.groups ?? []) : [];
  $('map-groups').checked = schema ? groups(schema).enabled : false;
  $('scoping-filters').replaceChildren(
    ...(filters.length
      ? filters.map((f, i) =>
          el(
            'li',
            {},
            el('strong', {}, f.name),
            `: ${f.clauses.map(clauseText).join(' and ')} `,
            button('Remove', f.name, () =>
              change((s) => {
                const scope = users(s).scope;
                scope.groups.splice(i, 1);
                if (scope.groups.length === 0) users(s).scope = null;
              }),
            ),
          ),
        )
      : [el('li', { class: 'note' }, 'No scoping filter: every assigned user is in scope.')]),
  );
  const into = $('scope-into');
  const chosen = into.value;
  into.replaceChildren(
    el('option', { value: 'new' }, 'a new filter (OR)'),
    ...filters.map((f, i) => el('option', { value: String(i) }, `${f.name} (AND)`)),
  );
  if ([...into.options].some((o) => o.value === chosen)) into.value = chosen;
}

/** The attributes and operators a clause may use, from the engine's own list (GET /_sim/scoping). */
export async function loadScopingChoices() {
  const choices = await api('GET', '/_sim/scoping');
  withoutValue = choices.withoutValue;
  $('scope-attribute').replaceChildren(...choices.attributes.map((a) => el('option', { value: a }, a)));
  $('scope-operator').replaceChildren(...choices.operators.map((o) => el('option', { value: o }, o)));
  $('scope-attribute').value = 'department';
  $('scope-operator').value = 'EQUALS';
}

export function wireMappings() {
  act($('map-groups'), 'change', () =>
    change((s) => {
      groups(s).enabled = $('map-groups').checked;
    }),
  );
  act($('scoping-add'), 'submit', () => {
    const operator = $('scope-operator').value;
    const value = $('scope-value').value;
    const clause = {
      operatorName: operator,
      sourceOperandName: $('scope-attribute').value,
      targetOperand: { values: withoutValue.includes(operator) ? [] : [value] },
    };
    const into = $('scope-into').value;
    return change((s) => {
      const mapping = users(s);
      mapping.scope ??= { categoryFilterGroups: [], groups: [], inputFilterGroups: [] };
      if (into === 'new')
        mapping.scope.groups.push({ name: `Scoping filter ${mapping.scope.groups.length + 1}`, clauses: [clause] });
      else mapping.scope.groups[Number(into)].clauses.push(clause);
    });
  });
}

addView(refreshMappings);
onNewWorld(() => {
  schema = undefined;
});
