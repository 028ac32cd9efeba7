import { date, index, numeric, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { fen, id, timestamps } from '../../db/columns.js';

/** 运营计划: a period's goal and strategy, broken into tasks. */
export const operationPlans = pgTable(
  'operation_plans',
  {
    id: id(),
    name: text().notNull(),
    periodStart: date({ mode: 'string' }).notNull(),
    periodEnd: date({ mode: 'string' }).notNull(),
    goal: text().notNull(),
    strategy: text().notNull().default(''),
    owner: text().notNull(),
    /** Same visibility rule as campaigns: every shop must be visible to the viewer. */
    shopIds: uuid().array().notNull(),
    ...timestamps(),
  },
  (t) => [index('operation_plans_period_idx').on(t.periodStart, t.id)],
);

export const TASK_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DELAYED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const taskStatusEnum = pgEnum('task_status', TASK_STATUSES);

export const planTasks = pgTable(
  'plan_tasks',
  {
    id: id(),
    planId: uuid()
      .notNull()
      .references(() => operationPlans.id, { onDelete: 'cascade' }),
    title: text().notNull(),
    owner: text().notNull(),
    startsOn: date({ mode: 'string' }).notNull(),
    endsOn: date({ mode: 'string' }).notNull(),
    budgetFen: fen().notNull().default(0),
    /** Person-days, to one decimal (half days happen). */
    personDays: numeric({ precision: 7, scale: 1 }).notNull().default('0'),
    status: taskStatusEnum().notNull().default('NOT_STARTED'),
    /** A DELAYED task must say why and how it catches up. */
    delayReason: text(),
    catchUpPlan: text(),
    ...timestamps(),
  },
  (t) => [index('plan_tasks_plan_idx').on(t.planId, t.startsOn)],
);

export type PlanRow = typeof operationPlans.$inferSelect;
export type TaskRow = typeof planTasks.$inferSelect;
