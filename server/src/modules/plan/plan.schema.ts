import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { fenToYuan } from '../../lib/money.js';
import { lastFriday1700 } from '../../lib/time.js';
import { ShopRef } from '../shop/shop.schema.js';
import {
  createPlan,
  createTask,
  isStale,
  listPlans,
  loadPlans,
  loadTasks,
  MAX_TASKS_PER_PLAN,
  tasksOfPlans,
  updatePlan,
  updateTask,
} from './plan.service.js';
import { TASK_STATUSES, type PlanRow, type TaskRow } from './plan.table.js';

const TaskStatusEnum = builder.enumType('TaskStatus', { values: TASK_STATUSES });

export const PlanRef = builder.loadableNode('Plan', {
  description: '运营计划: a period\'s goal and strategy, broken into tasks, reviewed weekly (Friday 17:00).',
  id: uuidNodeId<PlanRow>(),
  load: (ids: string[], ctx) => loadPlans(ctx.db, ctx.viewer, ids),
  sort: (plan) => plan.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    periodStart: t.expose('periodStart', { type: 'Date' }),
    periodEnd: t.expose('periodEnd', { type: 'Date' }),
    goal: t.exposeString('goal', { description: 'e.g. GMV +30%' }),
    strategy: t.exposeString('strategy'),
    owner: t.exposeString('owner'),
    shops: t.field({ type: [ShopRef], resolve: (p) => p.shopIds }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const PlanTaskRef = builder.loadableNode('PlanTask', {
  id: uuidNodeId<TaskRow>(),
  load: (ids: string[], ctx) => loadTasks(ctx.db, ctx.viewer, ids),
  sort: (task) => task.id,
  fields: (t) => ({
    plan: t.field({ type: PlanRef, resolve: (task) => task.planId }),
    title: t.exposeString('title'),
    owner: t.exposeString('owner'),
    startsOn: t.expose('startsOn', { type: 'Date' }),
    endsOn: t.expose('endsOn', { type: 'Date' }),
    budget: t.field({ type: 'Decimal', resolve: (task) => fenToYuan(task.budgetFen) }),
    personDays: t.field({ type: 'Decimal', resolve: (task) => task.personDays }),
    status: t.expose('status', { type: TaskStatusEnum }),
    delayReason: t.exposeString('delayReason', { nullable: true }),
    catchUpPlan: t.exposeString('catchUpPlan', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    weeklyUpdateDueAt: t.field({
      type: 'DateTime',
      description: 'The last Friday 17:00 (Asia/Shanghai): plans are updated weekly by then; a stale task missed it.',
      resolve: (_task, _args, ctx) => lastFriday1700(ctx.now()),
    }),
    stale: t.boolean({
      description:
        'Not DONE, started by the last Friday 17:00 (Asia/Shanghai) deadline, and not updated for it: not in the week before it, nor since. A task starting after that Friday owes no update yet.',
      resolve: (task, _args, ctx) => isStale(task, ctx.now()),
    }),
  }),
});

builder.objectField(PlanRef, 'tasks', (t) =>
  t.loadableList({
    type: PlanTaskRef,
    description: 'Tasks in start order, optionally only those in one status.',
    args: { status: t.arg({ type: TaskStatusEnum }) },
    // byPath: plans on one page share the same status argument, so they batch into one query.
    byPath: true,
    load: (planIds: string[], ctx, args) => tasksOfPlans(ctx.db, ctx.viewer, planIds, args.status),
    resolve: (plan) => plan.id,
  }),
);

builder.queryFields((t) => ({
  plan: t.field({
    type: PlanRef,
    nullable: true,
    args: { id: t.arg.globalID({ for: PlanRef, required: true }) },
    resolve: (_root, { id }) => id.id,
  }),
  plans: t.connection({
    type: PlanRef,
    description: 'Operations plans the caller may see, latest period first.',
    resolve: (_root, args, ctx) => listPlans(ctx.db, ctx.viewer, args),
  },
    { name: 'PlanConnection' },
    { name: 'PlanEdge' },
  ),
}));

const CreatePlanInput = builder.inputType('CreatePlanInput', {
  fields: (t) => ({
    requestId: t.string({ description: 'Makes a retry safe (a double tap, a lost answer): the same requestId from the same credential creates once and answers again with what it made; with different input it is refused (CONFLICT). At most 200 characters.' }),
    name: t.string({ required: true }),
    periodStart: t.field({ type: 'Date', required: true }),
    periodEnd: t.field({ type: 'Date', required: true }),
    goal: t.string({ required: true }),
    strategy: t.string(),
    owner: t.string({ required: true }),
    shopIds: t.globalIDList({ for: ShopRef, required: true }),
  }),
});

const UpdatePlanInput = builder.inputType('UpdatePlanInput', {
  fields: (t) => ({
    id: t.globalID({ for: PlanRef, required: true }),
    name: t.string(),
    periodStart: t.field({ type: 'Date' }),
    periodEnd: t.field({ type: 'Date' }),
    goal: t.string(),
    strategy: t.string(),
    owner: t.string(),
  }),
});

const CreatePlanTaskInput = builder.inputType('CreatePlanTaskInput', {
  fields: (t) => ({
    requestId: t.string({ description: 'Makes a retry safe (a double tap, a lost answer): the same requestId from the same credential creates once and answers again with what it made; with different input it is refused (CONFLICT). At most 200 characters.' }),
    planId: t.globalID({ for: PlanRef, required: true }),
    title: t.string({ required: true }),
    owner: t.string({ required: true }),
    startsOn: t.field({ type: 'Date', required: true }),
    endsOn: t.field({ type: 'Date', required: true }),
    budget: t.field({ type: 'Decimal' }),
    personDays: t.field({ type: 'Decimal' }),
    status: t.field({ type: TaskStatusEnum }),
    delayReason: t.string(),
    catchUpPlan: t.string(),
  }),
});

const UpdatePlanTaskInput = builder.inputType('UpdatePlanTaskInput', {
  fields: (t) => ({
    id: t.globalID({ for: PlanTaskRef, required: true }),
    title: t.string(),
    owner: t.string(),
    startsOn: t.field({ type: 'Date' }),
    endsOn: t.field({ type: 'Date' }),
    budget: t.field({ type: 'Decimal' }),
    personDays: t.field({ type: 'Decimal' }),
    status: t.field({ type: TaskStatusEnum, description: 'DELAYED requires delayReason and catchUpPlan.' }),
    delayReason: t.string(),
    catchUpPlan: t.string(),
  }),
});

builder.mutationFields((t) => ({
  createPlan: t.field({
    type: payloadType('CreatePlanPayload', 'plan', PlanRef),
    args: { input: t.arg({ type: CreatePlanInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => createPlan(ctx.db, ctx.viewer, { ...input, shopIds: input.shopIds.map((id) => id.id) })),
  }),
  updatePlan: t.field({
    type: payloadType('UpdatePlanPayload', 'plan', PlanRef),
    args: { input: t.arg({ type: UpdatePlanInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => updatePlan(ctx.db, ctx.viewer, { ...input, id: input.id.id }, ctx.now())),
  }),
  createPlanTask: t.field({
    type: payloadType('CreatePlanTaskPayload', 'task', PlanTaskRef),
    description: `Adds a task to a plan. A plan has at most ${MAX_TASKS_PER_PLAN} tasks; one more is refused with LIMIT_REACHED and nothing is written.`,
    args: { input: t.arg({ type: CreatePlanTaskInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => createTask(ctx.db, ctx.viewer, { ...input, planId: input.planId.id }, ctx.now())),
  }),
  updatePlanTask: t.field({
    type: payloadType('UpdatePlanTaskPayload', 'task', PlanTaskRef),
    args: { input: t.arg({ type: UpdatePlanTaskInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => updateTask(ctx.db, ctx.viewer, { ...input, id: input.id.id }, ctx.now())),
  }),
}));
