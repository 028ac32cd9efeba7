import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';
import { UserErrorFields } from '../../graphql/user-error-fields';

/** What the list shows of a campaign, and what its editor starts from. */
const CampaignRowFields = graphql(`
  fragment CampaignRowFields on Campaign @_unmask {
    id
    name
    theme
    status
    startsAt
    endsAt
    gmvTarget
    conversionTarget
    shops {
      id
      name
    }
    partial
    shopTargets {
      shop {
        id
      }
      gmvTarget
    }
  }
`);

/** The campaigns of one status (newest first), with how far each has come. */
export const ConsoleCampaignsQuery = graphql(
  `
    query ConsoleCampaigns($status: CampaignStatus, $after: String) {
      campaigns(status: $status, first: 20, after: $after) {
        totalCount
        edges {
          node {
            ...CampaignRowFields
            progress {
              gmv
              achievementRate
              pace
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
  [CampaignRowFields],
);
export type CampaignRow = ResultOf<typeof ConsoleCampaignsQuery>['campaigns']['edges'][number]['node'];
export type CampaignStatus = CampaignRow['status'];

export const CreateCampaignMutation = graphql(
  `
    mutation ConsoleCreateCampaign($input: CreateCampaignInput!) {
      createCampaign(input: $input) {
        campaign {
          ...CampaignRowFields
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [CampaignRowFields, UserErrorFields],
);
export type CampaignCreate = VariablesOf<typeof CreateCampaignMutation>['input'];

export const UpdateCampaignMutation = graphql(
  `
    mutation ConsoleUpdateCampaign($input: UpdateCampaignInput!) {
      updateCampaign(input: $input) {
        campaign {
          ...CampaignRowFields
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [CampaignRowFields, UserErrorFields],
);
export type CampaignUpdate = VariablesOf<typeof UpdateCampaignMutation>['input'];

/** Removes a campaign made by mistake; the server keeps one anything is attributed to (CONFLICT). */
export const DeleteCampaignMutation = graphql(
  `
    mutation ConsoleDeleteCampaign($input: DeleteCampaignInput!) {
      deleteCampaign(input: $input) {
        campaign {
          id
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
