import { Navigate, Route } from '@solidjs/router';
import { lazy } from 'solid-js';
import { defaultCampaign } from '../war-room/CampaignPicker';
import { CampaignRoute, lastEnded } from './CampaignRoute';

// Each page is its own chunk, loaded when first opened: the wall, which ships the same bundle, loads none of them.
const ReportsPage = lazy(() => import('../reports/ReportsPage').then((m) => ({ default: m.ReportsPage })));
const RetrospectivePage = lazy(() => import('../retrospective/RetrospectivePage').then((m) => ({ default: m.RetrospectivePage })));
const MilestonesPlansPage = lazy(() => import('../plans/MilestonesPlansPage').then((m) => ({ default: m.MilestonesPlansPage })));
const CampaignsPage = lazy(() => import('../campaigns/CampaignsPage').then((m) => ({ default: m.CampaignsPage })));
const CustomersPage = lazy(() => import('../customers/CustomersPage').then((m) => ({ default: m.CustomersPage })));
const ProductsPage = lazy(() => import('../products/ProductsPage').then((m) => ({ default: m.ProductsPage })));
const SpendPage = lazy(() => import('../spend/SpendPage').then((m) => ({ default: m.SpendPage })));
const AlertLogPage = lazy(() => import('../alert-log/AlertLogPage').then((m) => ({ default: m.AlertLogPage })));
const AlertRulesPage = lazy(() => import('../alert-rules/AlertRulesPage').then((m) => ({ default: m.AlertRulesPage })));
const WebhooksPage = lazy(() => import('../webhooks/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const AccessPage = lazy(() => import('../access-admin/AccessPage').then((m) => ({ default: m.AccessPage })));

/** The console's pages under /console (reports by default); an unknown console path goes to the reports. */
export function ConsoleRoutes() {
  return (
    <>
      <Route path={['/', '/reports', '/reports/:shopId/:date']} component={ReportsPage} />
      <Route
        path="/retrospective/:campaignId?"
        component={() => <CampaignRoute base="/console/retrospective" choose={lastEnded}>{(id) => <RetrospectivePage campaignId={id} />}</CampaignRoute>}
      />
      <Route
        path="/milestones/:campaignId?"
        component={() => <CampaignRoute base="/console/milestones" choose={defaultCampaign}>{(id) => <MilestonesPlansPage campaignId={id} />}</CampaignRoute>}
      />
      <Route path="/campaigns" component={CampaignsPage} />
      <Route path="/customers" component={CustomersPage} />
      <Route path="/products" component={ProductsPage} />
      <Route path="/spend" component={SpendPage} />
      <Route path="/alerts" component={AlertLogPage} />
      <Route path="/alert-rules" component={AlertRulesPage} />
      <Route path="/webhooks" component={WebhooksPage} />
      <Route path="/access" component={AccessPage} />
      <Route path="*" component={() => <Navigate href="/console/reports" />} />
    </>
  );
}
