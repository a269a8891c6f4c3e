/**
 * /servicePrincipals: the NordPass enterprise app's service principal (the tenant has this one), and its
 * Users and groups assignments as `appRoleAssignedTo`.
 */
import type { EnterpriseApplication } from '../app/application.ts';
import { badRequest, notFound } from './errors.ts';
import { json, noContent, objectBody, route, type GraphRequest, type Route } from './http.ts';
import { collection, context, filterOption, project, selectOption } from './odata.ts';
import { assignment, ASSIGNMENT_PROPERTIES, servicePrincipal, SERVICE_PRINCIPAL_PROPERTIES } from './render.ts';
import { DEFAULT_ACCESS_ROLE_ID } from '../app/app-roles.ts';

/** The app whose service principal `id` names; 404 for any other id. Used by the synchronization routes too. */
export function appFor(req: GraphRequest, id: string): EnterpriseApplication {
  const { app } = req.deps.azure;
  if (id.toLowerCase() !== app.servicePrincipalId.toLowerCase()) throw notFound(id);
  return app;
}

export function servicePrincipalRoutes(): Route[] {
  return [
    route('GET', '/servicePrincipals', (req) =>
      collection(req, 'servicePrincipals', [req.deps.azure.app], {
        full: servicePrincipal,
        filter: filterOption(req, SERVICE_PRINCIPAL_PROPERTIES, 'ServicePrincipal'),
        select: selectOption(req, SERVICE_PRINCIPAL_PROPERTIES, 'microsoft.graph.servicePrincipal'),
      }),
    ),

    route('GET', '/servicePrincipals/:id', (req) => {
      const app = appFor(req, req.params.id!);
      const select = selectOption(req, SERVICE_PRINCIPAL_PROPERTIES, 'microsoft.graph.servicePrincipal');
      return json({
        '@odata.context': context(req, 'servicePrincipals/$entity'),
        ...project(servicePrincipal(app), select),
      });
    }),

    route('GET', '/servicePrincipals/:id/appRoleAssignedTo', (req) => {
      const app = appFor(req, req.params.id!);
      const { directory } = req.deps.azure;
      return collection(req, `servicePrincipals('${app.servicePrincipalId}')/appRoleAssignedTo`, app.assignments(), {
        full: (a) => assignment(a, app, directory),
        filter: filterOption(req, ASSIGNMENT_PROPERTIES, 'AppRoleAssignment'),
        select: selectOption(req, ASSIGNMENT_PROPERTIES, 'microsoft.graph.appRoleAssignment'),
      });
    }),

    route('POST', '/servicePrincipals/:id/appRoleAssignedTo', async (req) => {
      const app = appFor(req, req.params.id!);
      const body = await objectBody(req, 'appRoleAssignment');
      const { principalId, resourceId, appRoleId } = body;
      if (typeof principalId !== 'string' || principalId === '')
        throw badRequest(`Invalid value specified for property 'principalId' of resource 'AppRoleAssignment'.`);
      if (typeof resourceId !== 'string' || resourceId.toLowerCase() !== app.servicePrincipalId.toLowerCase()) {
        throw badRequest(`resourceId must be the id of the service principal in the URL (${app.servicePrincipalId}).`);
      }
      // appRoleId may be left out: Graph then uses the default role, as the portal's "Default Access" does.
      const roleId = appRoleId === undefined ? DEFAULT_ACCESS_ROLE_ID : String(appRoleId).toLowerCase();
      if (!app.appRoles.some((r) => r.id === roleId)) {
        throw badRequest(
          `Permission being assigned was not found on application '${app.id}'. The app declares ${app.appRoles.map((r) => `${r.displayName} (${r.id})`).join(', ')}.`,
        );
      }
      const { directory } = req.deps.azure;
      if (!directory.user(principalId) && !directory.group(principalId)) throw notFound(principalId);
      if (app.assignments().some((a) => a.principalId === principalId && a.appRoleId === roleId)) {
        // INFERRED: Graph's wording for a second assignment of the same role.
        throw badRequest('Permission being assigned already exists on the object.');
      }
      const created = app.assign(principalId, roleId);
      req.deps.onAction?.({ kind: 'assign', principalId, appRoleId: roleId });
      return json(
        {
          '@odata.context': context(req, `servicePrincipals('${app.servicePrincipalId}')/appRoleAssignedTo/$entity`),
          ...assignment(created, app, directory),
        },
        201,
      );
    }),

    route('GET', '/servicePrincipals/:id/appRoleAssignedTo/:assignmentId', (req) => {
      const app = appFor(req, req.params.id!);
      const found = app.assignments().find((a) => a.id === req.params.assignmentId);
      if (!found) throw notFound(req.params.assignmentId!);
      return json({
        '@odata.context': context(req, `servicePrincipals('${app.servicePrincipalId}')/appRoleAssignedTo/$entity`),
        ...assignment(found, app, req.deps.azure.directory),
      });
    }),

    route('DELETE', '/servicePrincipals/:id/appRoleAssignedTo/:assignmentId', (req) => {
      const app = appFor(req, req.params.id!);
      const id = req.params.assignmentId!;
      // Only by assignment id: app.unassign also takes a principal id, which Graph's URL never carries.
      const found = app.assignments().find((a) => a.id === id);
      if (!found) throw notFound(id);
      app.unassign(id);
      req.deps.onAction?.({ kind: 'unassign', principalId: found.principalId, appRoleId: found.appRoleId });
      return noContent();
    }),
  ];
}
