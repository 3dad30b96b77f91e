/**
 * Health and admin endpoints, server-sent events and the live dashboard (`createAdminHandler`,
 * `createFleetHandler`).
 * @module breakwater/http
 */
// Deliberately not exported: the data-source interface behind both handlers, the routing, the
// event stream's internals and the page's text (they change without notice).
export type { NextFunction } from './AdminEndpoints.js';
export type { AdminHandler } from './AdminHandler.js';
export { createAdminHandler } from './createAdminHandler.js';
export { createFleetHandler } from './createFleetHandler.js';
export type { AdminHandlerOptions } from './handlerOptions.js';
export type { DashboardItem, DashboardTick, DashboardTransition } from './protocol.js';
export type { ControlCommand } from './routes.js';
export type { AdminView, BreakerList, BreakerView, FleetView, GroupView } from './views.js';
