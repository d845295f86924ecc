/**
 * Registers the application, log, assignment, expression, cycle, directory, scope-operator and event routes on the
 * admin API. The access routes (session, tokens) and the audit route are registered by the admin
 * plugin itself. They share one scope whose error handler maps the services' errors (no such app,
 * an invalid app file, a cycle already running) onto problems before the API's own handling.
 */
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { registerEventsRoute } from '../events/events-route.js';
import { registerAppRunRoutes } from './app-run-routes.js';
import { registerAppsRoutes } from './apps-routes.js';
import { registerAssignmentRoutes } from './assignment-routes.js';
import { registerCycleRoutes } from './cycle-routes.js';
import { registerDirectoryRoutes } from './directory-routes.js';
import { registerExpressionRoutes } from './expression-routes.js';
import { registerLogRoutes } from './log-routes.js';
import { routeErrorHandler } from './route-problems.js';
import { registerScopeOperatorRoutes } from './scope-operator-routes.js';

export function registerAdminRoutes(api: AdminApi, services: AdminServices): void {
  void api.register(async (scope: AdminApi) => {
    scope.setErrorHandler(routeErrorHandler);
    registerAppsRoutes(scope, services);
    registerAppRunRoutes(scope, services);
    registerCycleRoutes(scope, services);
    registerLogRoutes(scope, services);
    registerAssignmentRoutes(scope, services);
    registerExpressionRoutes(scope, services);
    registerDirectoryRoutes(scope, services);
    registerScopeOperatorRoutes(scope);
    registerEventsRoute(scope, services);
  });
}
