import { graphql, type ResultOf } from '../../graphql/graphql';

/** Operations plans and their tasks; a task not updated since the last Friday 17:00 (Asia/Shanghai) is stale. */
export const PlansQuery = graphql(`
  query ConsolePlans {
    plans(first: 20) {
      edges {
        node {
          id
          name
          owner
          goal
          periodStart
          periodEnd
          tasks {
            id
            title
            owner
            status
            startsOn
            endsOn
            stale
            weeklyUpdateDueAt
            updatedAt
            delayReason
            catchUpPlan
          }
        }
      }
    }
  }
`);

export type PlanRow = ResultOf<typeof PlansQuery>['plans']['edges'][number]['node'];
export type PlanTaskRow = PlanRow['tasks'][number];
