// Provisioning > Mappings: "Provision Microsoft Entra ID Groups", the users' Source object scope (scoping filters)
// and their Attribute mappings (Add New Mapping, Edit, Delete). All live in the job's schema, read and written over
// Graph (GET/PUT .../jobs/{id}/schema); with no job yet, the first change makes one (POST .../jobs), as a Graph
// script would. Saving a change of mappings or scoping filters starts a full sync.
import { $, act, addView, api, button, el, graph, onNewWorld, rows, show } from './core.js';
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

/**
 * Reads the schema, changes it, writes it back: one PUT, as the portal's Save on the mappings page. An edit that
 * returns false found nothing to change: nothing is written.
 */
async function change(edit) {
  const id = await jobId(true);
  const { '@odata.context': _context, ...current } = await graph('GET', `${await jobsPath()}/${id}/schema`);
  if (edit(current) === false) return false;
  await graph('PUT', `${await jobsPath()}/${id}/schema`, current);
  return true;
}

const clauseText = (c) =>
  `${c.sourceOperandName} ${c.operatorName}${c.targetOperand.values.length ? ` ${c.targetOperand.values[0]}` : ''}`;

async function refreshMappings() {
  const id = await jobId(false);
  schema = id ? await graph('GET', `${await jobsPath()}/${id}/schema`) : undefined;
  drawAttributeMappings(schema ? users(schema).attributeMappings : undefined);
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

// Attribute mappings: the users' objectMapping's attributeMappings, each {source, targetAttributeName, defaultValue,
// flowType, matchingPriority}, listed and edited as the portal's Attribute Mapping page does (Add New Mapping, Edit,
// Delete, and the Edit Attribute form).

// The directory attributes a Direct mapping may read. Graph's schema does not list the directory's attributes (its
// `directories` is empty), so this is the list a PUT .../schema takes as a Direct source: SOURCE_ATTRIBUTES in
// mock-azure/app/mappings.ts, but IsSoftDeleted (read only by active's Not([IsSoftDeleted])).
// test/console/console-mappings.test.ts fails when the two differ.
const DIRECT_SOURCES = [
  'department',
  'displayName',
  'employeeId',
  'givenName',
  'jobTitle',
  'mail',
  'mailNickname',
  'manager',
  'mobilePhone',
  'originalUserPrincipalName',
  'surname',
  'telephoneNumber',
  'userPrincipalName',
];

// Target attributes offered as the field is typed (any SCIM path the engine writes may be typed): NordPass's user
// attributes as the non-gallery template maps them (mock-azure/app/mappings.ts), the role targets, with those mapped
// already.
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TARGET_SUGGESTIONS = [
  'userName',
  'active',
  'displayName',
  'title',
  'emails[type eq "work"].value',
  'externalId',
  'name.givenName',
  'name.familyName',
  'phoneNumbers[type eq "work"].value',
  'phoneNumbers[type eq "mobile"].value',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:employeeNumber`,
  // The manager (Direct from manager), and the role targets of SingleAppRoleAssignment and AppRoleAssignmentsComplex.
  `${ENTERPRISE}:manager`,
  'roles[primary eq "True"].value',
  'roles',
];

/** The portal's Mapping type of a source: Attribute is Direct, Function (Not([IsSoftDeleted]) too) Expression. */
const MAPPING_TYPES = { Attribute: 'Direct', Constant: 'Constant', Function: 'Expression' };
const mappingType = (source) => MAPPING_TYPES[source?.type] ?? 'Expression';
const applyText = (flowType) => (flowType === 'ObjectAddOnly' ? 'Only during object creation' : 'Always');
/** SCIM attribute names compare without regard to case. */
const sameTarget = (a, b) => a.toLowerCase() === b.toLowerCase();

/** A problem with what the form holds, found before anything is sent. */
class FormProblem extends Error {}

// What the form edits: undefined when it is closed, null for a new mapping, else the target attribute of the one
// being edited (looked up again when it is saved), and that mapping's source as the server gave it.
let editing;
let editingSource;

/** A line under the table: what was done, or ('problem') what was refused. */
function status(text, problem = false) {
  const line = $('mappings-status');
  line.textContent = text;
  line.classList.toggle('mapping-error', problem);
  line.hidden = text === '';
}

function formProblem(text) {
  $('mapping-error').textContent = text;
  $('mapping-error').hidden = text === '';
}

function drawAttributeMappings(list) {
  rows(
    $('attribute-mappings'),
    (list ?? []).map(mappingRow),
    6,
    list
      ? 'No attribute mappings.'
      : 'No provisioning job yet: its attribute mappings show here once it exists. Add New Mapping makes the job (with the defaults of the NordPass app) and adds the mapping to them.',
  );
  const targets = [...TARGET_SUGGESTIONS];
  for (const m of list ?? [])
    if (!targets.some((t) => sameTarget(t, m.targetAttributeName))) targets.push(m.targetAttributeName);
  $('mapping-targets').replaceChildren(...targets.map((t) => el('option', { value: t })));
}

/** A path or an expression as code, with places to break its line (after : . ( , and before [) that add no text. */
function breakable(text) {
  const nodes = [];
  for (const [i, part] of text.split(/(?<=[:.(,])|(?=\[)/).entries()) {
    if (i > 0) nodes.push(el('wbr'));
    nodes.push(part);
  }
  return el('code', {}, ...nodes);
}

function mappingRow(m) {
  const target = m.targetAttributeName;
  const source = m.source ?? {};
  const edit = el('button', { type: 'button', class: 'small', 'aria-label': `Edit: ${target}` }, 'Edit');
  edit.addEventListener('click', () => {
    // The mapping as the page last read it, by its name at the time of the click.
    const now = schema && users(schema).attributeMappings.find((x) => sameTarget(x.targetAttributeName, target));
    if (now) openForm(now);
  });
  const remove = button('Delete', target, () => deleteMapping(target));
  remove.classList.add('small');
  return el(
    'tr',
    {},
    el('td', {}, breakable(target)),
    el('td', {}, mappingType(source)),
    el(
      'td',
      {},
      breakable(source.expression ?? ''),
      ...(typeof m.defaultValue === 'string'
        ? [el('span', { class: 'note default-value' }, `Default value if null: ${m.defaultValue}`)]
        : []),
    ),
    el('td', {}, m.matchingPriority > 0 ? String(m.matchingPriority) : ''),
    el('td', {}, applyText(m.flowType)),
    el('td', {}, el('div', { class: 'buttons' }, edit, remove)),
  );
}

/**
 * Delete: the mapping of this target attribute, looked up in the schema as it is when the click's turn comes (a
 * second click on a row already gone deletes nothing, rather than the row now in its place).
 */
async function deleteMapping(target) {
  status('');
  try {
    const done = await change((s) => {
      const list = users(s).attributeMappings;
      const at = list.findIndex((m) => sameTarget(m.targetAttributeName, target));
      if (at < 0) return false;
      list.splice(at, 1);
    });
    if (editing !== undefined && editing !== null && sameTarget(editing, target)) closeForm();
    status(
      done
        ? `Deleted the mapping of ${target}. The next provisioning cycle is a full sync with the new mappings.`
        : `${target} has no mapping any more: nothing was deleted.`,
    );
  } catch (error) {
    show('');
    status(`Not deleted: ${error.message}`, true);
  }
}

/** Shows the fields of the chosen Mapping type, and the precedence when the mapping matches. */
function showFields() {
  const type = $('mapping-type').value;
  for (const field of $('mapping-form').querySelectorAll('.field[data-types]'))
    field.hidden = !field.dataset.types.split(' ').includes(type);
  $('mapping-precedence-field').hidden = $('mapping-match').value !== 'Yes';
}

/** The matching precedence a newly matching mapping gets: after those there are. */
function nextPrecedence() {
  const list = schema ? users(schema).attributeMappings : [];
  return Math.max(0, ...list.map((m) => m.matchingPriority ?? 0)) + 1;
}

/** Add New Mapping (no mapping) or Edit (the mapping): the Edit Attribute form, filled in. */
function openForm(mapping) {
  editing = mapping ? mapping.targetAttributeName : null;
  editingSource = mapping?.source;
  const source = mapping?.source ?? {};
  const type = mapping ? mappingType(source) : 'Direct';
  $('mapping-form-title').textContent = mapping
    ? `Edit Attribute: ${mapping.targetAttributeName}`
    : 'Edit Attribute: a new mapping';
  $('mapping-type').value = type;
  const sourceSelect = $('mapping-source');
  // A Direct source this list lacks (an attribute the server learnt since) is still shown as it is.
  if (type === 'Direct' && mapping && ![...sourceSelect.options].some((o) => o.value === source.name))
    sourceSelect.append(el('option', { value: source.name }, source.name));
  sourceSelect.value = type === 'Direct' ? source.name : '';
  $('mapping-constant').value = type === 'Constant' ? (source.name ?? '') : '';
  $('mapping-expression').value = type === 'Expression' ? (source.expression ?? '') : '';
  $('mapping-default').value = mapping?.defaultValue ?? '';
  $('mapping-target').value = mapping?.targetAttributeName ?? '';
  const matching = (mapping?.matchingPriority ?? 0) > 0;
  $('mapping-match').value = matching ? 'Yes' : 'No';
  $('mapping-precedence').value = String(matching ? mapping.matchingPriority : nextPrecedence());
  $('mapping-apply').value = mapping?.flowType === 'ObjectAddOnly' ? 'ObjectAddOnly' : 'Always';
  formProblem('');
  showFields();
  const form = $('mapping-form');
  form.hidden = false;
  form.scrollIntoView({ block: 'nearest' });
  $('mapping-type').focus();
}

function closeForm() {
  editing = undefined;
  editingSource = undefined;
  $('mapping-form').hidden = true;
  formProblem('');
}

/** A constant as the expression language writes it: in quotes, a quote or backslash escaped with a backslash. */
const quoted = (text) => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/** The form as Graph's attributeMapping; a problem in it is a FormProblem. */
function mappingFromForm() {
  const type = $('mapping-type').value;
  const target = $('mapping-target').value.trim();
  let source;
  if (type === 'Direct') {
    const name = $('mapping-source').value;
    if (!name) throw new FormProblem('Source attribute: choose the directory attribute this mapping reads.');
    source = { expression: `[${name}]`, name, parameters: [], type: 'Attribute' };
  } else if (type === 'Constant') {
    const value = $('mapping-constant').value;
    if (value === '') throw new FormProblem('Constant value: type the value every user gets.');
    source =
      editingSource?.type === 'Constant' && editingSource.name === value
        ? editingSource
        : { expression: quoted(value), name: value, parameters: [], type: 'Constant' };
  } else {
    const text = $('mapping-expression').value.trim();
    if (text === '') throw new FormProblem('Expression: type one, e.g. Join(" ", [givenName], [surname]).');
    // Graph's source is a tree (a Function with its parameters). The mock's PUT also takes a Function with its
    // expression text alone and parses it itself (mock-azure/graph/sync-source.ts), so the console sends the text
    // and parses nothing; the server answers 400 with the column of what it cannot read. An expression left as it
    // was keeps the tree the server gave (Not([IsSoftDeleted]) then stays active's own mapping).
    source =
      editingSource?.type === 'Function' && editingSource.expression === text
        ? editingSource
        : { expression: text, parameters: [], type: 'Function' };
  }
  if (target === '') throw new FormProblem('Target attribute: type the NordPass (SCIM) attribute this mapping writes.');
  const matching = $('mapping-match').value === 'Yes';
  const precedence = Number($('mapping-precedence').value);
  if (matching && !(Number.isInteger(precedence) && precedence >= 1))
    throw new FormProblem('Matching precedence: a whole number from 1 (1 is matched first).');
  const defaultValue = type === 'Constant' ? '' : $('mapping-default').value;
  return {
    defaultValue: defaultValue === '' ? null : defaultValue,
    exportMissingReferences: false,
    flowBehavior: 'FlowWhenChanged',
    flowType: $('mapping-apply').value,
    matchingPriority: matching ? precedence : 0,
    source,
    targetAttributeName: target,
  };
}

/** Save: the form's mapping into the schema as it is now, by target attribute; a refusal stays beside the form. */
async function saveMapping() {
  formProblem('');
  status('');
  const was = editing;
  try {
    const wanted = mappingFromForm();
    const done = await change((s) => {
      const list = users(s).attributeMappings;
      const at = was ? list.findIndex((m) => sameTarget(m.targetAttributeName, was)) : -1;
      if (was && at < 0)
        throw new FormProblem(`${was} has no mapping any more (changed meanwhile): nothing was saved.`);
      if (list.some((m, i) => i !== at && sameTarget(m.targetAttributeName, wanted.targetAttributeName)))
        throw new FormProblem(`${wanted.targetAttributeName} has a mapping already: Edit that one instead.`);
      if (at < 0) list.push(wanted);
      else {
        const next = { ...list[at], ...wanted };
        if (JSON.stringify(next) === JSON.stringify(list[at])) return false;
        list[at] = next;
      }
    });
    closeForm();
    status(
      done
        ? `Saved the mapping of ${wanted.targetAttributeName}. The next provisioning cycle is a full sync: every user in scope is evaluated again with the new mappings.`
        : 'Nothing changed: nothing was saved.',
    );
    $('mapping-add').focus();
  } catch (error) {
    // api() put a refusal at the top of the page; it belongs beside the form, which keeps what was typed.
    show('');
    formProblem(`Not saved: ${error.message}`);
  }
}

function wireAttributeMappings() {
  $('mapping-source').replaceChildren(
    el('option', { value: '' }, 'Select an attribute'),
    ...DIRECT_SOURCES.map((a) => el('option', { value: a }, a)),
  );
  $('mapping-add').addEventListener('click', () => openForm(undefined));
  $('mapping-cancel').addEventListener('click', () => {
    closeForm();
    $('mapping-add').focus();
  });
  $('mapping-form').addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    closeForm();
    $('mapping-add').focus();
  });
  $('mapping-type').addEventListener('change', showFields);
  $('mapping-match').addEventListener('change', showFields);
  act($('mapping-form'), 'submit', saveMapping);
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
  wireAttributeMappings();
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
  closeForm();
  status('');
});
