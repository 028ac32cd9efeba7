import { graphql, type ResultOf } from '../../graphql/graphql';

/**
 * Everything a milestone item shows; `updatedAt` decides which of two copies (loaded, streamed, returned
 * by an edit) is newer. Masked like AlertFields (read with readFragment): gql.tada's `@_unmask` would be
 * sent to the server, which rejects a directive it does not know.
 */
export const MilestoneFields = graphql(`
  fragment MilestoneFields on Milestone {
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
    actualSituation
    overdue
    overdueAt
    updatedAt
  }
`);

export type MilestoneRow = ResultOf<typeof MilestoneFields>;
export type MilestoneStatus = MilestoneRow['status'];
export type RiskLevel = MilestoneRow['riskLevel'];

/** The campaign's milestones: loaded when the board opens and again after a reconnect. */
export const MilestonesQuery = graphql(
  `
    query WarRoomMilestones($campaignId: ID!) {
      campaign(id: $campaignId) {
        id
        milestones {
          ...MilestoneFields
        }
      }
    }
  `,
  [MilestoneFields],
);

/** Every milestone of the campaign created or changed, by anyone, on any instance (after commit). */
export const MilestoneChangedSubscription = graphql(
  `
    subscription WarRoomMilestoneChanged($campaignId: ID!) {
      milestoneChanged(campaignId: $campaignId) {
        change
        milestone {
          ...MilestoneFields
        }
      }
    }
  `,
  [MilestoneFields],
);

export type MilestoneChange = ResultOf<typeof MilestoneChangedSubscription>['milestoneChanged']['change'];

/** What the screen may change (needs MANAGE): status, risk, response plan and the 实际情况 note. */
export const UpdateMilestoneMutation = graphql(
  `
    mutation WarRoomUpdateMilestone($input: UpdateMilestoneInput!) {
      updateMilestone(input: $input) {
        milestone {
          ...MilestoneFields
        }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `,
  [MilestoneFields],
);

/** 新建关键节点 (MANAGE, a caller over all the campaign's shops, before its end). */
export const CreateMilestoneMutation = graphql(
  `
    mutation ConsoleCreateMilestone($input: CreateMilestoneInput!) {
      createMilestone(input: $input) {
        milestone {
          ...MilestoneFields
        }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `,
  [MilestoneFields],
);
