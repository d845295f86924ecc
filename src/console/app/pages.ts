/**
 * Every page of the console: its title (the heading and the navigation text), its path and its
 * lazily loaded module, so the first page ships only the shell and each page is its own chunk.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface AppPageProps {
  readonly app: string;
}

type Lazy<P> = LazyExoticComponent<ComponentType<P>>;

const page = <P>(load: () => Promise<{ default: ComponentType<P> }>): Lazy<P> => lazy(load);

export interface AppPage {
  readonly title: string;
  /** Below `/apps/:name`; '' is the Overview. */
  readonly slug: string;
  readonly component: Lazy<AppPageProps>;
}

export const APP_PAGES: readonly AppPage[] = [
  { title: 'Overview', slug: '', component: page(() => import('../pages/Overview.js')) },
  { title: 'Connection', slug: 'connection', component: page(() => import('../pages/Connection.js')) },
  { title: 'Attribute mappings', slug: 'mappings', component: page(() => import('../pages/Mappings.js')) },
  { title: 'Scope', slug: 'scope', component: page(() => import('../pages/Scope.js')) },
  { title: 'Settings', slug: 'settings', component: page(() => import('../pages/Settings.js')) },
  {
    title: 'Users and groups',
    slug: 'assignments',
    component: page(() => import('../pages/Assignments.js')),
  },
  {
    title: 'Provision on demand',
    slug: 'provision',
    component: page(() => import('../pages/ProvisionOnDemand.js')),
  },
  { title: 'Preview', slug: 'preview', component: page(() => import('../pages/Preview.js')) },
  { title: 'Provisioning logs', slug: 'logs', component: page(() => import('../pages/Logs.js')) },
  { title: 'Accounts', slug: 'accounts', component: page(() => import('../pages/Accounts.js')) },
  { title: 'Reconcile', slug: 'reconcile', component: page(() => import('../pages/Reconcile.js')) },
  { title: 'Held deletions', slug: 'held', component: page(() => import('../pages/HeldDeletions.js')) },
];

export interface TopPage {
  readonly title: string;
  readonly path: string;
  readonly component: Lazy<object>;
}

export const TOP_PAGES: readonly TopPage[] = [
  { title: 'Applications', path: '/apps', component: page(() => import('../pages/Applications.js')) },
  { title: 'Directory', path: '/directory', component: page(() => import('../pages/Directory.js')) },
  { title: 'Audit log', path: '/audit', component: page(() => import('../pages/AuditLog.js')) },
];

export const appPath = (app: string, slug = ''): string =>
  `/apps/${encodeURIComponent(app)}${slug ? `/${slug}` : ''}`;
