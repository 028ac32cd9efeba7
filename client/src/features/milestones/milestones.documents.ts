import { graphql } from '../../graphql/graphql';

export const MilestonesQuery = graphql(`
  query WarRoomMilestones($campaignId: ID!) {
    campaign(id: $campaignId) {
      id
      milestones {
        id
        name
        owner
        dueAt
        completionStandard
        status
        riskLevel
        responsePlan
        responsePlanDueAt
        responsePlanOverdue
        overdue
      }
    }
  }
`);
