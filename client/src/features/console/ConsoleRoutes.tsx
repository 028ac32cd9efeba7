import { Navigate, Route } from '@solidjs/router';
import { AlertRulesPage } from '../alert-rules/AlertRulesPage';
import { defaultCampaign } from '../war-room/CampaignPicker';
import { CustomersPage } from '../customers/CustomersPage';
import { MilestonesPlansPage } from '../plans/MilestonesPlansPage';
import { ProductsPage } from '../products/ProductsPage';
import { ReportsPage } from '../reports/ReportsPage';
import { RetrospectivePage } from '../retrospective/RetrospectivePage';
import { AccessPage } from '../access-admin/AccessPage';
import { CampaignsPage } from '../campaigns/CampaignsPage';
import { SpendPage } from '../spend/SpendPage';
import { WebhooksPage } from '../webhooks/WebhooksPage';
import { CampaignRoute, lastEnded } from './CampaignRoute';

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
      <Route path="/alert-rules" component={AlertRulesPage} />
      <Route path="/webhooks" component={WebhooksPage} />
      <Route path="/access" component={AccessPage} />
      <Route path="*" component={() => <Navigate href="/console/reports" />} />
    </>
  );
}
