import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';

/** Every section of a campaign's 复盘 (docs/RETROSPECTIVE.md), for the printable page. */
export const RetrospectiveQuery = graphql(`
    query ConsoleRetrospective($campaignId: ID!) {
      campaign(id: $campaignId) {
        id
        name
        startsAt
        endsAt
        conversionTarget
        partial
        shops {
          id
        }
        retrospective {
          ended
          dueAt
          gmvTarget
          gmv
          netGmv
          achievementRate
          orders
          buyers
          visitors
          conversionRate
          spend
          roi
          hours { at plannedGmv actualGmv cumulativePlannedGmv cumulativeActualGmv }
          channels { channel gmv orders spend roi attributedRoi rank }
          sources { source gmv orders spend roi attributedRoi rank }
          bestChannel { channel }
          worstChannel { channel }
          bestSource { source }
          worstSource { source }
          pareto {
            productCount
            soldProducts
            products { gmv units skusSold share cumulativeShare product { id name shop { name } } }
          }
          newBuyers
          returningBuyers
          newBuyerShare
          refundsByReason { reason refunds amount share }
          milestones {
            onTime
            secondsLate
            highestRisk
            milestone { id name owner dueAt status completedAt }
            changes { status riskLevel changedAt changedBy }
          }
          alerts {
            secondsToAcknowledge
            secondsToResolve
            alert { id rule severity subject message messageEn: message(locale: EN) raisedAt acknowledgedBy incident { responseOverdue fixOverdue } }
          }
          medianSecondsToAcknowledge
          medianSecondsToResolve
          incidents { incidents respondedInTime fixedInTime medianSecondsToRespond medianSecondsToFix }
          lessons lessonsUpdatedBy lessonsUpdatedAt overdue
          exportPath
        }
      }
    }
  `);

export type Retrospective = NonNullable<ResultOf<typeof RetrospectiveQuery>['campaign']>['retrospective'];
export type RetrospectiveCampaign = NonNullable<ResultOf<typeof RetrospectiveQuery>['campaign']>;
/** Lessons learned, who wrote them last, and whether they are overdue: read with the page, returned by the editor's mutation. */
export type Lessons = Pick<Retrospective, 'lessons' | 'lessonsUpdatedBy' | 'lessonsUpdatedAt' | 'overdue'>;

/** 经验教训 (MANAGE, the caller's campaigns only); an empty text clears them. */
export const WriteLessonsMutation = graphql(`
    mutation ConsoleWriteLessons($input: WriteRetrospectiveLessonsInput!) {
      writeRetrospectiveLessons(input: $input) {
        retrospective { lessons lessonsUpdatedBy lessonsUpdatedAt overdue }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `);

export type LessonsInput = VariablesOf<typeof WriteLessonsMutation>['input'];
