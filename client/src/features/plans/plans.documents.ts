import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';

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
          tasks { id title owner status startsOn endsOn stale weeklyUpdateDueAt updatedAt delayReason catchUpPlan }
        }
      }
    }
  }
`);

export type PlanRow = ResultOf<typeof PlansQuery>['plans']['edges'][number]['node'];
export type PlanTaskRow = PlanRow['tasks'][number];

/** A task's status, delay reason and catch-up plan (MANAGE); DELAYED needs both of the latter. Counts as the weekly update. */
export const UpdatePlanTaskMutation = graphql(`
  mutation ConsoleUpdatePlanTask($input: UpdatePlanTaskInput!) {
    updatePlanTask(input: $input) {
      task { id title owner status startsOn endsOn stale weeklyUpdateDueAt updatedAt delayReason catchUpPlan }
      userErrors {
        code
        message
        messageZh: message(locale: ZH_CN)
      }
    }
  }
`);

export type PlanTaskUpdate = VariablesOf<typeof UpdatePlanTaskMutation>['input'];

/** Whether the page's campaign takes a new milestone: not once it has ended, nor from a caller who sees only part of it. */
export const MilestonesCampaignQuery = graphql(`
  query ConsoleMilestonesCampaign($id: ID!) {
    campaign(id: $id) {
      id
      endsAt
      partial
    }
  }
`);

/** 新建运营计划 (MANAGE; shops the caller sees). */
export const CreatePlanMutation = graphql(`
  mutation ConsoleCreatePlan($input: CreatePlanInput!) {
    createPlan(input: $input) {
      plan { id }
      userErrors {
        code
        message
        messageZh: message(locale: ZH_CN)
      }
    }
  }
`);

export type PlanCreate = VariablesOf<typeof CreatePlanMutation>['input'];

/** 新建任务 under a plan (MANAGE); DELAYED needs its reason and catch-up plan. */
export const CreatePlanTaskMutation = graphql(`
  mutation ConsoleCreatePlanTask($input: CreatePlanTaskInput!) {
    createPlanTask(input: $input) {
      task { id title owner status startsOn endsOn stale weeklyUpdateDueAt updatedAt delayReason catchUpPlan }
      userErrors {
        code
        message
        messageZh: message(locale: ZH_CN)
      }
    }
  }
`);

export type PlanTaskCreate = VariablesOf<typeof CreatePlanTaskMutation>['input'];
