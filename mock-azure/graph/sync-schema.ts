/**
 * The synchronization template and the job's schema, in Graph's shapes (synchronizationTemplate,
 * synchronizationSchema): the app's one template, and the attribute mappings the engine applies, read-only. Editing
 * them over `PUT .../schema` is not built here (the attribute-mappings issue brings editable mappings).
 */
import type { EnterpriseApplication } from '../app/application.ts';
import type { AttributeMapping } from '../app/mappings.ts';

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
  if (mapping.source !== 'IsSoftDeleted') return attribute(mapping.source);
  return {
    expression: 'Not([IsSoftDeleted])',
    name: 'Not',
    parameters: [{ key: 'source', value: attribute('IsSoftDeleted') }],
    type: 'Function',
  };
}

function attributeMapping(mapping: AttributeMapping) {
  return {
    defaultValue: null,
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
            attributeMappings: settings.mappings.map(attributeMapping),
            enabled: true,
            flowTypes,
            metadata: [],
            name: 'Provision Microsoft Entra ID Users',
            scope: null,
            sourceObjectName: 'User',
            targetObjectName: USER_TARGET,
          },
          {
            // What group provisioning sends (group-sync.ts): the display name and the provisioned direct members.
            attributeMappings: [
              attributeMapping({ source: 'displayName', target: 'displayName', matchingPrecedence: 1 }),
              {
                ...attributeMapping({ source: 'displayName', target: 'members' }),
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
