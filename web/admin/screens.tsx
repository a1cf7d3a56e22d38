/**
 * One lazily loaded screen per ops section (route-level code splitting): the first screen loads
 * the shell and its own screen's code, not every page's. One line per section — add a screen by
 * adding a line; `SectionRoute` (Layout.tsx) renders SCREENS[section] inside a Suspense.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** `lazy` for a named export (the pages export named components). */
function screen<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M): LazyExoticComponent<ComponentType> {
  return lazy(() => load().then((m) => ({ default: m[name] as ComponentType })));
}

export const SCREENS: Record<string, LazyExoticComponent<ComponentType>> = {
  dashboard: screen(() => import('./pages/Dashboard'), 'DashboardPage'),
  members: screen(() => import('./pages/Members'), 'MembersPage'),
  staff: screen(() => import('./pages/Staff'), 'StaffPage'),
  permissions: screen(() => import('./pages/Staff'), 'StaffPage'),
  contests: screen(() => import('./pages/contests'), 'ContestsPage'),
  classes: screen(() => import('./pages/classes'), 'ClassesSection'),
  preorders: screen(() => import('./pages/preorders'), 'PreordersSection'),
  purchases: screen(() => import('./pages/purchases'), 'PurchasesPage'),
  journeys: screen(() => import('./pages/journeys'), 'JourneysSection'),
  feedback: screen(() => import('./pages/feedback'), 'FeedbackSection'),
  tags: screen(() => import('./pages/tags'), 'TagsPage'),
  library: screen(() => import('./pages/library'), 'LibrarySection'),
  community: screen(() => import('./pages/community'), 'CommunitySection'),
  recipes: screen(() => import('./pages/recipes'), 'default'),
  referral: screen(() => import('./pages/referral'), 'ReferralSection'),
};
